// The chartscan subcommands. Each returns the process exit status: 0 success, 1 some input failed
// (the rest was done), 2 the command could not run (bad usage, no store, store error).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <chartscan/indexer/store.h>

namespace chartscan::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;
inline constexpr int kExitError = 2;

// --store, else $CHARTSCAN_STORE, else ./chartscan-data.
std::string ResolveStoreDir(const std::string& flag);

// Opens an existing store read-only; kNotFound with advice when there is none.
Result<std::unique_ptr<indexer::Store>> OpenExistingStore(const std::string& flag);

struct IngestArgs {
  std::string program;  // how the user invoked chartscan, for the commands suggested at the end
  std::string store;
  std::vector<std::string> paths;
  int workers = 0;
  std::string batch;
  bool json = false;
  bool quiet = false;
};
int RunIngest(const IngestArgs& args);

struct SearchArgs {
  std::string store;
  std::vector<std::string> query;
  int limit = 20;
  int offset = 0;
  bool json = false;
};
int RunSearch(const SearchArgs& args);

struct ExportArgs {
  std::string store;
  std::string format = "jsonl";
  std::string output;  // empty: stdout
  bool words = false;
};
int RunExport(const ExportArgs& args);

}  // namespace chartscan::cli
