// chartscan: the command-line workstation.
#include <iostream>

#include <CLI/CLI.hpp>
#include <malloc.h>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace chartscan::cli;
#ifdef __GLIBC__
  // Every page passes through several full-page buffers of 8-25 MB. glibc serves blocks that size
  // with mmap and gives them back on free, so each page paid for fresh zeroed pages from the
  // kernel (13% of an ingest's time in page faults). Keeping them in the heap lets pages reuse
  // them: 6% faster ingest for about 35 MB more peak memory.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
#endif
  CLI::App app{
      "chartscan: digitize paper charts into clean, searchable records.\n"
      "The store defaults to ./chartscan-data (override with --store or CHARTSCAN_STORE)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "chartscan 0.1.0");

  IngestArgs ingest;
  ingest.program = argc > 0 ? argv[0] : "chartscan";
  CLI::App* ingest_cmd = app.add_subcommand(
      "ingest", "Digitize files and folders (PNG, JPEG, TIFF incl. fax G4, PDF) into the store");
  ingest_cmd->add_option("--store", ingest.store, "Store folder");
  ingest_cmd
      ->add_option("--workers", ingest.workers,
                   "Pages processed in parallel (default: one per core)")
      ->check(CLI::Range(0, 256));
  ingest_cmd->add_option("--batch", ingest.batch, "A name for this batch");
  ingest_cmd
      ->add_option("--resume", ingest.resume,
                   "Finish this interrupted or stopped batch (paths default to the batch's own)")
      ->check(CLI::PositiveNumber);
  ingest_cmd
      ->add_option("--sheets", ingest.sheets,
                   "Sheets of paper counted by the operator, checked against the pages captured")
      ->check(CLI::Range(1, 1000000));
  ingest_cmd->add_flag("--duplex", ingest.duplex,
                       "The files hold both sides of every sheet (for --sheets)");
  ingest_cmd->add_flag("--no-word-repair", ingest.no_word_repair,
                       "Keep words exactly as the recognizer read them (no dictionary repair of "
                       "misread words)");
  ingest_cmd->add_flag("--json", ingest.json, "Print the summary as JSON");
  ingest_cmd->add_flag("-q,--quiet", ingest.quiet, "No progress display");
  ingest_cmd->add_option("paths", ingest.paths,
                         "Files or folders (folders are walked recursively)");

  SearchArgs search;
  CLI::App* search_cmd = app.add_subcommand("search", "Find pages by their text and identity");
  search_cmd->add_option("--store", search.store, "Store folder");
  search_cmd->add_option("--limit", search.limit, "Hits to show")->check(CLI::Range(1, 10000));
  search_cmd->add_option("--offset", search.offset, "Hits to skip (paging)")
      ->check(CLI::NonNegativeNumber);
  search_cmd->add_flag("--json", search.json, "Print hits as JSON");
  search_cmd->add_flag("--exact", search.exact,
                       "Only exact matches (no OCR-tolerant identifiers or similar names)");
  search_cmd
      ->add_option("query", search.query,
                   "Words (all must match), \"exact phrases\", prefix*, AND, OR, NOT, ( ), and "
                   "filters mrn:ID name:\"first last\" dob:YYYY-MM-DD type:TYPE "
                   "date:FROM..TO batch:N code:E11.9")
      ->required();

  ExportArgs export_args;
  CLI::App* export_cmd = app.add_subcommand(
      "export",
      "Write every page's record in ingest order (jsonl), or every document's (documents-jsonl)");
  export_cmd->add_option("--store", export_args.store, "Store folder");
  export_cmd->add_option("--format", export_args.format, "Output format")
      ->check(CLI::IsMember({"jsonl", "documents-jsonl"}))
      ->required();
  export_cmd->add_option("-o,--output", export_args.output,
                         "Output file (default: standard output)");
  export_cmd->add_flag("--words", export_args.words,
                       "Include each word with its box and confidence");

  ReleaseArgs release_args;
  CLI::App* release_cmd = app.add_subcommand(
      "release",
      "Write a release package for an EHR or archive: searchable PDF/A, TIFF, FHIR R4, HL7 v2.5 "
      "MDM and CSV, with a manifest of every file");
  release_cmd->require_subcommand(0, 1);
  release_cmd->add_option("--store", release_args.store, "Store folder");
  release_cmd->add_option("--to", release_args.to, "Package folder to create (new or empty)");
  release_cmd->add_option("--format", release_args.formats,
                          "Comma-separated formats: pdf,tiff,fhir,hl7,csv (default: all)");
  release_cmd->add_option("--chart", release_args.chart_mrn, "Release the chart of this MRN");
  release_cmd->add_option("--batch", release_args.batch_id, "Release the documents of a batch")
      ->check(CLI::PositiveNumber);
  release_cmd->add_flag("--all", release_args.all, "Release every document of the store");
  release_cmd->add_option("--facility", release_args.facility,
                          "Facility name for FHIR and HL7 (default: chartscan)");
  release_cmd->add_option("--mrn-system", release_args.mrn_system,
                          "URI of the facility's MRNs for FHIR Patient.identifier.system");
  release_cmd->add_option("--jpeg-quality", release_args.jpeg_quality,
                          "JPEG quality of greyscale pages in PDFs, 1-100 (default 75)");
  release_cmd->add_flag(
      "--bilevel", release_args.bilevel,
      "Make greyscale pages bilevel (CCITT G4) in PDFs and TIFFs: packages several "
      "times smaller, for archives that take bilevel images only");
  release_cmd->add_flag("--json", release_args.json, "Print the summary as JSON");
  release_cmd->add_flag("-q,--quiet", release_args.quiet, "No progress line");
  CLI::App* release_verify = release_cmd->add_subcommand(
      "verify",
      "Check a package: every file against its SHA-256, and (with the store) every page of the "
      "scope in exactly one document, in order, and the release in the audit log");
  release_verify->add_option("dir", release_args.to, "Package folder")->required();
  release_verify->add_option("--store", release_args.store, "Store folder");
  release_verify->add_flag("--no-store", release_args.no_store,
                           "Check the package against its own manifest only");
  release_verify->add_flag("--json", release_args.json, "Print the result as JSON");

  CodesArgs codes;
  CLI::App* codes_cmd = app.add_subcommand(
      "codes", "The code list ICD-10-CM, CPT and HCPCS codes are checked against");
  codes_cmd->require_subcommand(1);
  CLI::App* codes_import = codes_cmd->add_subcommand(
      "import",
      "Load a CMS ICD-10-CM order file or a CSV (code,description[,system[,billable[,terms]]]) "
      "into the store");
  codes_import->add_option("--store", codes.store, "Store folder");
  codes_import->add_flag("--complete", codes.complete,
                         "The CSV is the full list of its code systems: codes missing from it are "
                         "invalid (the CMS order file always is)");
  codes_import->add_option("file", codes.file, "The code file")->required();
  CLI::App* codes_list = codes_cmd->add_subcommand("list", "Show code counts per code system");
  codes_list->add_option("--store", codes.store, "Store folder");
  codes_list->add_flag("--json", codes.json, "Print the counts as JSON");

  PatientsArgs patients;
  CLI::App* patients_cmd = app.add_subcommand(
      "patients", "The facility's roster (master patient index) charts are matched against");
  patients_cmd->require_subcommand(1);
  CLI::App* patients_import = patients_cmd->add_subcommand(
      "import",
      "Load a roster CSV (mrn,last,first,dob,sex or mrn,name,dob,sex with \"Last, First\") into "
      "the store and re-match stored charts");
  patients_import->add_option("--store", patients.store, "Store folder");
  patients_import->add_option("file", patients.file, "The roster CSV")->required();
  CLI::App* patients_list = patients_cmd->add_subcommand("list", "Show the roster");
  patients_list->add_option("--store", patients.store, "Store folder");
  patients_list->add_flag("--json", patients.json, "Print the roster as JSON");

  ListArgs charts;
  CLI::App* charts_cmd =
      app.add_subcommand("charts", "List patient charts with their roster match and counts");
  charts_cmd->add_option("--store", charts.store, "Store folder");
  charts_cmd->add_flag("--json", charts.json, "Print the charts as JSON");
  charts_cmd->add_flag("--orphans", charts.orphans, "Only charts matching nobody on the roster");

  ListArgs documents;
  std::int64_t chart_id = 0;
  CLI::App* documents_cmd = app.add_subcommand(
      "documents", "List assembled documents: chart, type, date of service, review flags");
  documents_cmd->add_option("--store", documents.store, "Store folder");
  documents_cmd->add_flag("--json", documents.json, "Print the documents as JSON");
  CLI::Option* chart_opt = documents_cmd->add_option("--chart", chart_id, "Only this chart's")
                               ->check(CLI::PositiveNumber);
  documents_cmd->add_flag("--needs-review", documents.needs_review, "Only those needing review");
  documents_cmd->add_flag("--orphans", documents.orphans,
                          "Only orphans (no chart, or a chart matching nobody on the roster)");

  ScannersArgs scanners;
  CLI::App* scanners_cmd = app.add_subcommand(
      "scanners", "List scanners (SANE) with their sources, resolutions and colour modes");
  scanners_cmd->add_flag("--json", scanners.json, "Print the scanners as JSON");
  scanners_cmd->add_flag("--all-options", scanners.all_options,
                         "Also list every backend option (for --option)");

  ScanArgs scan;
  CLI::App* scan_cmd = app.add_subcommand(
      "scan", "Scan until the feeder is empty; each page is digitized as it arrives");
  scan_cmd->add_option("--store", scan.store, "Store folder");
  scan_cmd->add_option("--device", scan.device, "SANE device name (default: the first found)");
  scan_cmd->add_option("--source", scan.source, "Paper source")
      ->check(CLI::IsMember({"adf", "adf-duplex", "flatbed"}));
  scan_cmd->add_option("--dpi", scan.dpi, "Resolution (default 300; the nearest offered is used)")
      ->check(CLI::Range(50, 1200));
  scan_cmd->add_option("--mode", scan.mode, "Colour mode")
      ->check(CLI::IsMember({"gray", "color", "lineart"}));
  scan_cmd->add_option("--option", scan.device_options,
                       "A backend option NAME=VALUE (see chartscan scanners --all-options)");
  scan_cmd->add_option("--batch", scan.batch, "A name for this batch");
  scan_cmd->add_option("--sheets", scan.sheets, "Sheets in the feeder, checked against the scan")
      ->check(CLI::Range(1, 1000000));
  scan_cmd
      ->add_option("--resume", scan.resume,
                   "Continue this batch after a fault was cleared (its device and settings)")
      ->check(CLI::PositiveNumber);
  scan_cmd->add_option("--workers", scan.workers, "Pages processed in parallel")
      ->check(CLI::Range(0, 256));
  scan_cmd->add_flag("--json", scan.json, "Print the summary as JSON");
  scan_cmd->add_flag("-q,--quiet", scan.quiet, "No progress display");

  WatchArgs watch;
  CLI::App* watch_cmd = app.add_subcommand(
      "watch",
      "Digitize files as they arrive in a hot folder (moved to done/ or failed/), until Ctrl-C");
  watch_cmd->add_option("--store", watch.store, "Store folder");
  watch_cmd->add_option("--workers", watch.workers, "Pages processed in parallel")
      ->check(CLI::Range(0, 256));
  watch_cmd
      ->add_option("--settle-ms", watch.settle_ms,
                   "A file is taken once unchanged for this long (shorter once closed by its "
                   "writer)")
      ->check(CLI::Range(50, 3'600'000));
  watch_cmd->add_option("--batch", watch.batch, "A name for the session's batch");
  watch_cmd->add_option("--resume", watch.resume, "Continue this watch batch")
      ->check(CLI::PositiveNumber);
  watch_cmd->add_flag("-q,--quiet", watch.quiet, "No progress line");
  watch_cmd->add_option("folder", watch.folder, "The hot folder")->required();

  BatchArgs batch_args;
  CLI::App* batches_cmd =
      app.add_subcommand("batches", "List batches: status, pages done, failed, flagged, sheets");
  batches_cmd->add_option("--store", batch_args.store, "Store folder");
  batches_cmd->add_flag("--json", batch_args.json, "Print the batches as JSON");
  CLI::App* batch_cmd = app.add_subcommand("batch", "One batch in detail");
  batch_cmd->require_subcommand(1);
  CLI::App* batch_show = batch_cmd->add_subcommand(
      "show", "A batch's journal, sources, failures and sheet count, and how to finish it");
  batch_show->add_option("--store", batch_args.store, "Store folder");
  batch_show->add_flag("--json", batch_args.json, "Print the batch as JSON");
  batch_show->add_option("id", batch_args.batch_id, "Batch id")
      ->required()
      ->check(CLI::PositiveNumber);

  CheckArgs check;
  ServeArgs serve;
  CLI::App* serve_cmd = app.add_subcommand(
      "serve", "Serve the web viewer (search, pages, charts, verification, batches, audit)");
  serve_cmd->add_option("--store", serve.store, "Store folder");
  serve_cmd->add_option("--bind", serve.bind, "Address to listen on (default 127.0.0.1)");
  serve_cmd->add_option("--port", serve.port, "Port (0: any free port)")
      ->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--tls-cert", serve.tls_cert, "TLS certificate (PEM)");
  serve_cmd->add_option("--tls-key", serve.tls_key, "TLS private key (PEM)");
  serve_cmd->add_flag("--insecure", serve.insecure,
                      "Allow a non-loopback address without TLS (trusted networks only)");
  serve_cmd->add_option("--threads", serve.threads, "Requests served at once")
      ->check(CLI::Range(1, 256));

  UsersArgs users;
  CLI::App* users_cmd = app.add_subcommand("users", "The viewer's users and their roles");
  users_cmd->require_subcommand(1);
  users_cmd->add_option("--store", users.store, "Store folder");
  CLI::App* users_add = users_cmd->add_subcommand("add", "Add a user (asks for the password)");
  users_add->add_option("name", users.name, "User name")->required();
  users_add->add_option("--role", users.role, "technician, clerk or admin")->required();
  users_add->add_flag("--password-stdin", users.password_stdin,
                      "Read the password from the first line of stdin");
  users_add->add_option("--store", users.store, "Store folder");
  CLI::App* users_list = users_cmd->add_subcommand("list", "List users, roles and states");
  users_list->add_flag("--json", users.json, "Print as JSON");
  users_list->add_option("--store", users.store, "Store folder");
  CLI::App* users_set = users_cmd->add_subcommand("set", "Change a user's role or state");
  users_set->add_option("name", users.name, "User name")->required();
  users_set->add_option("--role", users.role, "technician, clerk or admin");
  users_set->add_flag("--disable", users.disable, "Refuse logins (sessions end at once)");
  users_set->add_flag("--enable", users.enable, "Allow logins again");
  users_set->add_flag("--unlock", users.unlock, "Clear a lockout after failed logins");
  users_set->add_flag("--password", users.reset_password, "Set a new password (asks for it)");
  users_set->add_flag("--password-stdin", users.password_stdin,
                      "With --password: read it from the first line of stdin");
  users_set->add_option("--store", users.store, "Store folder");

  AuditArgs audit;
  CLI::App* audit_cmd = app.add_subcommand("audit", "The audit log of every access");
  audit_cmd->require_subcommand(1);
  audit_cmd->add_option("--store", audit.store, "Store folder");
  CLI::App* audit_verify =
      audit_cmd->add_subcommand("verify", "Check the hash chain (exit 1 when it is broken)");
  audit_verify->add_flag("--json", audit.json, "Print the result as JSON");
  audit_verify->add_option("--store", audit.store, "Store folder");
  CLI::App* audit_export =
      audit_cmd->add_subcommand("export", "Write the log with its hashes for a compliance review");
  audit_export->add_option("--format", audit.format, "jsonl (default) or csv");
  audit_export->add_option("-o,--output", audit.output, "File to write (default: stdout)");
  audit_export->add_option("--store", audit.store, "Store folder");

  CLI::App* check_cmd = app.add_subcommand(
      "check", "Verify the store: database integrity, every page indexed once, files present");
  check_cmd->add_option("--store", check.store, "Store folder");
  check_cmd->add_flag("--verify-originals", check.verify_originals,
                      "Also re-hash every original against its SHA-256 (reads them all)");
  check_cmd->add_flag("--json", check.json, "Print the report as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitError;
  }
  if (*ingest_cmd) {
    if (ingest.paths.empty() && ingest.resume == 0) {
      std::cerr << "chartscan ingest: give files or folders, or --resume BATCH\n";
      return kExitError;
    }
    return RunIngest(ingest);
  }
  if (*watch_cmd) return RunWatch(watch);
  if (*scanners_cmd) return RunScanners(scanners);
  if (*scan_cmd) return RunScan(scan);
  if (*batches_cmd) return RunBatches(batch_args);
  if (*batch_show) return RunBatchShow(batch_args);
  if (*check_cmd) return RunCheck(check);
  if (*serve_cmd) return RunServe(serve);
  if (*users_add) return RunUsersAdd(users);
  if (*users_list) return RunUsersList(users);
  if (*users_set) return RunUsersSet(users);
  if (*audit_verify) return RunAuditVerify(audit);
  if (*audit_export) return RunAuditExport(audit);
  if (*search_cmd) return RunSearch(search);
  if (*export_cmd) return RunExport(export_args);
  if (*release_verify) return RunReleaseVerify(release_args);
  if (*release_cmd) return RunRelease(release_args);
  if (*codes_import) return RunCodesImport(codes);
  if (*codes_list) return RunCodesList(codes);
  if (*patients_import) return RunPatientsImport(patients);
  if (*patients_list) return RunPatientsList(patients);
  if (*charts_cmd) return RunCharts(charts);
  if (*documents_cmd) {
    if (chart_opt->count() > 0) documents.chart = chart_id;
    return RunDocuments(documents);
  }
  return kExitError;
}
