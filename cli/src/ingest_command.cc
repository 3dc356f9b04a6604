// chartscan ingest: digitize files and folders, with a progress display and a summary.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chartscan/indexer/store.h>
#include <chartscan/pipeline/ingest.h>

#include "commands.h"
#include "progress.h"

namespace chartscan::cli {
namespace {

std::string Describe(const pipeline::FileProblem& p) {
  std::string where = p.path.empty() ? "" : p.path;
  if (p.page > 0) where += ": page " + std::to_string(p.page);
  return where.empty() ? p.status.ToString() : where + ": " + p.status.ToString();
}

}  // namespace

int RunIngest(const IngestArgs& args) {
  std::optional<WorkStore> work = OpenWorkStore(args.store);
  if (!work) return kExitError;
  const std::string& dir = work->dir;
  auto& store = work->store;

  pipeline::IngestOptions options;
  options.workers = args.workers;
  options.extract.codes = work->codes.get();
  options.batch_name = args.batch;
  options.resume_batch = args.resume;
  options.declared_sheets = args.sheets;
  options.duplex = args.duplex;
  options.ocr.word_repair.enabled = !args.no_word_repair;
  if (Status s = options.Validate(); !s.ok()) {
    std::cerr << "chartscan: " << s.ToString() << "\n";
    return kExitError;
  }

  InstallInterruptHandler();
  ProgressPrinter printer(!args.quiet && !args.json);
  if (!args.quiet && !args.json) {
    std::fprintf(stderr, "Digitizing into %s with %d workers...\n", dir.c_str(),
                 options.EffectiveWorkers());
  }
  auto result = pipeline::Ingest(
      *store, args.paths, options, [&](const pipeline::Progress& p) { printer(p); },
      &InterruptFlag());
  printer.Finish();
  RestoreInterruptHandler();
  if (!result.ok()) {
    std::cerr << "chartscan: ingest stopped: " << result.status().ToString() << "\n";
    return kExitError;
  }
  const pipeline::IngestSummary& s = *result;
  auto batch = store->GetBatch(s.batch_id);

  if (args.json) {
    nlohmann::json j = {{"batch_id", s.batch_id},
                        {"store", dir},
                        {"files", s.files},
                        {"files_skipped", s.files_skipped},
                        {"files_failed", s.files_failed},
                        {"pages", s.pages},
                        {"blank_pages", s.blank_pages},
                        {"failed_pages", s.failed_pages},
                        {"timed_out_pages", s.timed_out_pages},
                        {"documents", s.documents},
                        {"charts", s.charts},
                        {"orphan_documents", s.orphan_documents},
                        {"unmatched_charts", s.unmatched_charts},
                        {"misfiled_pages", s.misfiled_pages},
                        {"roster_conflicts", s.roster_conflicts},
                        {"mrns_doubted", s.mrns_doubted},
                        {"separator_pages", s.separator_pages},
                        {"mean_confidence", s.mean_confidence},
                        {"values_reread", s.values_reread},
                        {"seconds", s.seconds},
                        {"pages_per_minute", s.PagesPerMinute()},
                        {"cancelled", Interrupted()},
                        {"resumed", s.resumed}};
    if (batch.ok()) {
      j["declared_sheets"] = batch->declared_sheets;
      j["sheets_captured"] = batch->sheets_captured();
      j["sheet_mismatch"] = batch->sheet_mismatch();
    }
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : s.problems) {
      problems.push_back({{"path", p.path},
                          {"page", p.page},
                          {"code", std::string(StatusCodeName(p.status.code()))},
                          {"message", p.status.message()}});
    }
    j["problems"] = problems;
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("%s batch %lld into %s%s\n", Interrupted() ? "Stopped" : "Digitized",
                static_cast<long long>(s.batch_id), dir.c_str(),
                s.resumed ? " (continued where it was interrupted)" : "");
    std::printf("  files       %d", s.files);
    if (s.files_skipped) std::printf(" (%d already stored)", s.files_skipped);
    if (s.files_failed) std::printf(" (%d could not be read)", s.files_failed);
    std::printf("\n  pages       %d (%d blank %s dropped", s.pages, s.blank_pages,
                s.blank_pages == 1 ? "page" : "pages");
    if (s.failed_pages) std::printf(", %d failed", s.failed_pages);
    if (s.timed_out_pages) std::printf(", %d stopped at the OCR time limit", s.timed_out_pages);
    std::printf(")\n  documents   %d in %d patient chart%s", s.documents, s.charts,
                s.charts == 1 ? "" : "s");
    if (s.orphan_documents) std::printf(" (%d with no patient identity)", s.orphan_documents);
    if (s.unmatched_charts) {
      std::printf(", %d chart%s matching nobody on the roster", s.unmatched_charts,
                  s.unmatched_charts == 1 ? "" : "s");
    }
    if (s.misfiled_pages) {
      std::printf(", %d page%s flagged as possibly misfiled", s.misfiled_pages,
                  s.misfiled_pages == 1 ? "" : "s");
    }
    if (s.roster_conflicts) {
      std::printf(", %d value%s differing from the roster to verify", s.roster_conflicts,
                  s.roster_conflicts == 1 ? "" : "s");
    }
    if (s.mrns_doubted) {
      std::printf(", %d MRN%s unlike the others' zero padding to verify", s.mrns_doubted,
                  s.mrns_doubted == 1 ? "" : "s");
    }
    std::printf("\n");
    std::printf("  confidence  %.1f (mean OCR word confidence, 0-100)", s.mean_confidence);
    if (s.values_reread) {
      std::printf("; %d field value%s read again on %s own", s.values_reread,
                  s.values_reread == 1 ? "" : "s", s.values_reread == 1 ? "its" : "their");
    }
    std::printf("\n");
    std::printf("  time        %s, %.1f pages/min\n", Duration(s.seconds).c_str(),
                s.PagesPerMinute());
    if (!s.problems.empty()) {
      std::fflush(stdout);
      std::fprintf(stderr, "Problems (set aside; the rest of the batch was digitized):\n");
      for (const auto& p : s.problems) std::fprintf(stderr, "  %s\n", Describe(p).c_str());
    }
    if (batch.ok() && batch->declared_sheets > 0) {
      std::printf("  sheets      %d declared, %d captured%s\n", batch->declared_sheets,
                  batch->sheets_captured(),
                  batch->sheet_mismatch() ? ": MISMATCH, recount and rescan what is missing" : "");
    }
    if (Interrupted()) {
      std::printf(
          "Run the same command again (or chartscan ingest --resume %lld) to finish the "
          "batch; nothing is done twice.\n",
          static_cast<long long>(s.batch_id));
    }
    const char* me = args.program.empty() ? "chartscan" : args.program.c_str();
    std::printf("Search it:\n  %s search --store %s \"discharge summary\"\n", me, dir.c_str());
    std::printf("  %s export --store %s --format jsonl > pages.jsonl\n", me, dir.c_str());
    std::printf("  %s export --store %s --format documents-jsonl > documents.jsonl\n", me,
                dir.c_str());
    std::printf("Browse and verify it in the viewer (the first administrator is made once):\n");
    std::printf("  %s users add NAME --role admin --store %s\n", me, dir.c_str());
    std::printf("  %s serve --store %s   (then open http://127.0.0.1:8080)\n", me, dir.c_str());
    std::printf("Release it for the EHR (searchable PDF/A, TIFF, FHIR, HL7, CSV) and check it:\n");
    std::printf("  %s release --store %s --batch %lld --to release-%lld\n", me, dir.c_str(),
                static_cast<long long>(s.batch_id), static_cast<long long>(s.batch_id));
    std::printf("  %s release verify --store %s release-%lld\n", me, dir.c_str(),
                static_cast<long long>(s.batch_id));
  }
  const bool mismatch = batch.ok() && batch->sheet_mismatch();
  return s.ok() && !Interrupted() && !mismatch ? kExitOk : kExitSomeFailed;
}

}  // namespace chartscan::cli
