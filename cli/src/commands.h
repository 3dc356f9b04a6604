// The chartscan subcommands. Each returns the process exit status: 0 success, 1 some input failed
// (the rest was done), 2 the command could not run (bad usage, no store, store error).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/extract/codes.h>
#include <chartscan/indexer/store.h>

namespace chartscan::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;
inline constexpr int kExitError = 2;

// --store, else $CHARTSCAN_STORE, else ./chartscan-data.
std::string ResolveStoreDir(const std::string& flag);

// Opens an existing store read-only; kNotFound with advice when there is none.
Result<std::unique_ptr<indexer::Store>> OpenExistingStore(const std::string& flag);

// The imported code list inside a store folder.
inline constexpr std::string_view kCodesFile = "codes.csv";
// The store's imported code list, or nullopt when none was imported; an error names the file.
Result<std::optional<extract::CodeSet>> LoadStoreCodes(const std::string& dir);

// What the digitizing commands (ingest, scan, watch) need from their store: the store opened for
// writing, and the code list pages are validated against when the store has an imported one
// (the built-in list merged with it; null otherwise: extraction then uses the built-in list).
// Prints why and returns nullopt when the store cannot be opened or its code list is unreadable.
struct WorkStore {
  std::string dir;
  std::unique_ptr<indexer::Store> store;
  std::unique_ptr<extract::CodeSet> codes;
};
std::optional<WorkStore> OpenWorkStore(const std::string& flag);

struct IngestArgs {
  std::string program;  // how the user invoked chartscan, for the commands suggested at the end
  std::string store;
  std::vector<std::string> paths;
  int workers = 0;
  std::string batch;
  std::int64_t resume = 0;  // --resume ID
  int sheets = 0;           // --sheets N
  bool duplex = false;
  bool no_word_repair = false;
  bool json = false;
  bool quiet = false;
};
int RunIngest(const IngestArgs& args);

struct ScannersArgs {
  bool json = false;
  bool all_options = false;
};
int RunScanners(const ScannersArgs& args);

struct ScanArgs {
  std::string store;
  std::string device;
  std::string source;  // adf, adf-duplex, flatbed; empty: the device's (or the resumed batch's)
  int dpi = 0;         // 0: 300 (or the resumed batch's)
  std::string mode;    // gray, color, lineart
  std::vector<std::string> device_options;  // NAME=VALUE
  std::string batch;
  int sheets = 0;
  std::int64_t resume = 0;
  int workers = 0;
  bool json = false;
  bool quiet = false;
};
int RunScan(const ScanArgs& args);

struct WatchArgs {
  std::string store;
  std::string folder;
  int workers = 0;
  int settle_ms = 2000;
  std::string batch;
  std::int64_t resume = 0;
  bool quiet = false;
};
// Runs until Ctrl-C. 0 every file done; 1 some files set aside in failed/; 2 could not run.
int RunWatch(const WatchArgs& args);

struct BatchArgs {
  std::string store;
  std::int64_t batch_id = 0;  // batch show
  bool json = false;
};
int RunBatches(const BatchArgs& args);
int RunBatchShow(const BatchArgs& args);
// "running", "interrupted", "stopped (jammed)", "done".
std::string BatchStatus(const indexer::BatchInfo& b);
// The command that finishes an unfinished batch.
std::string ResumeCommand(const indexer::BatchInfo& b);

struct CheckArgs {
  std::string store;
  bool verify_originals = false;
  bool json = false;
};
// 0 the store is whole; 1 problems found (listed); 2 the check could not run.
int RunCheck(const CheckArgs& args);

struct SearchArgs {
  std::string store;
  std::vector<std::string> query;
  int limit = 20;
  int offset = 0;
  bool json = false;
  bool exact = false;  // no approximate matches
};
int RunSearch(const SearchArgs& args);

struct ExportArgs {
  std::string store;
  std::string format = "jsonl";  // "jsonl" (pages) or "documents-jsonl"
  std::string output;            // empty: stdout
  bool words = false;
};
int RunExport(const ExportArgs& args);

struct CodesArgs {
  std::string store;
  std::string file;       // import: the CMS ICD-10-CM order file or a CSV
  bool complete = false;  // import: the file is the full list of the systems it holds
  bool json = false;      // list
};
// 0 imported; 1 the file is unreadable or malformed (the message names file and line); 2 the
// store's list could not be read or written.
int RunCodesImport(const CodesArgs& args);
int RunCodesList(const CodesArgs& args);

struct PatientsArgs {
  std::string store;
  std::string file;   // import: the roster CSV (extract/include/chartscan/extract/roster.h)
  bool json = false;  // list
};
// Import: 0 imported (and stored charts re-matched); 1 the file is unreadable or malformed (the
// message names file and line; nothing is stored); 2 the store could not be opened or written.
int RunPatientsImport(const PatientsArgs& args);
int RunPatientsList(const PatientsArgs& args);

struct ListArgs {
  std::string store;
  bool json = false;
  bool orphans = false;               // only orphans (see listing_command.cc)
  std::optional<std::int64_t> chart;  // documents: only this chart's
  bool needs_review = false;          // documents: only those needing review
};
int RunCharts(const ListArgs& args);
int RunDocuments(const ListArgs& args);

struct ServeArgs {
  std::string store;
  std::string bind = "127.0.0.1";
  int port = 8080;
  std::string tls_cert;
  std::string tls_key;
  bool insecure = false;
  int threads = 32;
};
// Serves until Ctrl-C or SIGTERM. 2 when it cannot start (no administrator yet, bad options, the
// port taken).
int RunServe(const ServeArgs& args);

struct UsersArgs {
  std::string store;
  std::string name;
  std::string role;  // add: required; set: optional
  bool password_stdin = false;
  bool reset_password = false;  // set --password
  bool disable = false;
  bool enable = false;
  bool unlock = false;
  bool json = false;
};
int RunUsersAdd(const UsersArgs& args);
int RunUsersList(const UsersArgs& args);
int RunUsersSet(const UsersArgs& args);

struct AuditArgs {
  std::string store;
  std::string format = "jsonl";  // export: jsonl or csv
  std::string output;            // export: empty for stdout
  bool json = false;             // verify
};
// 0 the chain is intact; 1 it is broken (where is printed); 2 the check could not run.
int RunAuditVerify(const AuditArgs& args);
int RunAuditExport(const AuditArgs& args);

// Writes an access made from the command line (search, export) to the store's audit log, as the
// OS user "cli:<login>". The command must not show its data when this fails.
Status AuditCommandLine(const std::string& store_flag, std::string action, std::string target,
                        std::string detail);
// The same, into a store already open for writing.
Status AuditCli(indexer::Store& store, std::string action, std::string target, std::string detail);

struct ReleaseArgs {
  std::string store;
  std::string to;  // release: the package folder; verify: the package to check
  std::string formats = "pdf,tiff,fhir,hl7,csv";
  std::string chart_mrn;      // --chart MRN
  std::int64_t batch_id = 0;  // --batch ID
  bool all = false;           // --all
  std::string facility;       // --facility NAME
  std::string mrn_system;     // --mrn-system URI
  int jpeg_quality = 0;       // --jpeg-quality N; 0: the default
  bool bilevel = false;       // --bilevel: greyscale pages as bilevel G4
  bool no_store = false;      // verify: check the package alone
  bool json = false;
  bool quiet = false;
};
// 0 released; 1 released, but some documents were not (a page's stored image is missing or
// damaged: listed); 2 could not (bad usage, unknown chart or batch, a target that holds files, the
// audit log unwritable: nothing is left that looks complete).
int RunRelease(const ReleaseArgs& args);
// 0 the package is whole and matches the store and the audit log; 1 problems (listed); 2 the
// check could not run.
int RunReleaseVerify(const ReleaseArgs& args);

// Rows as columns aligned on the widest cell, two spaces apart; the first row is the header.
void PrintTable(const std::vector<std::vector<std::string>>& rows);

}  // namespace chartscan::cli
