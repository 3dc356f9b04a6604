// chartscan batches / batch show / check: what each batch holds and whether the store is whole.
//
// A batch is "running" while a chartscan process holds it, "interrupted" when it is open and no
// process does (killed, crashed, power cut: run the command again, or `--resume`), "stopped" when
// it stopped on purpose (Ctrl-C, a scanner fault) and "done" when finished. Sheets: the operator's
// declared count (--sheets) against the sides captured; a duplex sheet gives two sides, its blank
// back included, so 20 duplex sheets must give 40 pages.
//
// JSON (a contract: add keys freely, never rename or remove one):
//   batches     {batches: [BATCH]}
//   batch show  BATCH plus {sources: [{source_id, path, kind, pages, state}], failures: [{path,
//               code, message}], failed_pages: [{source_id, source_page, error}]}
//   BATCH       {batch_id, name, kind, state, live, status, stop_reason, started, finished,
//               pages, done, failed, flagged, blank, stages: {arrived, cleaned, ...}, sources,
//               file_failures, documents, declared_sheets, duplex, sheets_captured,
//               sheet_mismatch}
//   check       {ok, pages, indexed_pages, sources, originals_checked, problems: [text]}
// Nothing here prints OCR text or patient data: pages and files are named by id and path.
#include <ctime>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "commands.h"

namespace chartscan::cli {
namespace {

std::string LocalTime(std::int64_t micros) {
  if (micros <= 0) return "";
  const std::time_t t = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace

std::string BatchStatus(const indexer::BatchInfo& b) {
  switch (b.state) {
    case indexer::BatchState::kDone:
      return "done";
    case indexer::BatchState::kStopped:
      return b.stop_reason.empty() ? "stopped" : "stopped (" + b.stop_reason + ")";
    case indexer::BatchState::kOpen:
      return b.live ? "running" : "interrupted";
  }
  return "open";
}

std::string ResumeCommand(const indexer::BatchInfo& b) {
  const std::string id = std::to_string(b.batch_id);
  switch (b.kind) {
    case indexer::BatchKind::kScan:
      return "chartscan scan --resume " + id;
    case indexer::BatchKind::kWatch: {
      // A watch needs its folder; the batch recorded it.
      nlohmann::json j = nlohmann::json::parse(b.inputs, nullptr, /*allow_exceptions=*/false);
      const std::string dir = j.is_object() && j.contains("dir") && j["dir"].is_string()
                                  ? j["dir"].get<std::string>()
                                  : "FOLDER";
      return "chartscan watch --resume " + id + " " + dir;
    }
    case indexer::BatchKind::kIngest:
      return "chartscan ingest --resume " + id;
  }
  return "";
}

namespace {

std::string Sheets(const indexer::BatchInfo& b) {
  if (b.declared_sheets == 0) return "-";
  std::string s = std::to_string(b.sheets_captured()) + "/" + std::to_string(b.declared_sheets);
  if (b.sheet_mismatch()) s += " MISMATCH";
  return s;
}

nlohmann::json BatchJson(const indexer::BatchInfo& b) {
  nlohmann::json stages = nlohmann::json::object();
  for (int i = 0; i < indexer::kPageStageCount; ++i) {
    stages[std::string(indexer::PageStageName(static_cast<indexer::PageStage>(i)))] = b.stages[i];
  }
  return {{"batch_id", b.batch_id},
          {"name", b.name},
          {"kind", std::string(indexer::BatchKindName(b.kind))},
          {"state", std::string(indexer::BatchStateName(b.state))},
          {"live", b.live},
          {"status", BatchStatus(b)},
          {"stop_reason", b.stop_reason},
          {"started", LocalTime(b.started_micros)},
          {"finished",
           b.finished_micros ? nlohmann::json(LocalTime(b.finished_micros)) : nlohmann::json()},
          {"pages", b.pages},
          {"done", b.done_pages()},
          {"failed", b.failed_pages()},
          {"flagged", b.flagged_pages},
          {"blank", b.blank_pages},
          {"stages", stages},
          {"sources", b.sources},
          {"file_failures", b.file_failures},
          {"documents", b.documents},
          {"lost_sides", b.lost_sides},
          {"declared_sheets", b.declared_sheets},
          {"duplex", b.duplex},
          {"sheets_captured", b.sheets_captured()},
          {"sheet_mismatch", b.sheet_mismatch()}};
}

std::string SheetLine(const indexer::BatchInfo& b) {
  if (b.declared_sheets == 0) return "none declared";
  std::string line = std::to_string(b.declared_sheets) + " declared, " + std::to_string(b.pages) +
                     (b.duplex ? " sides captured (duplex: " : " pages captured (") +
                     std::to_string(b.sheets_captured()) + " sheets)";
  if (b.sheet_mismatch()) {
    line += b.duplex && b.pages % 2 ? ": MISMATCH, an odd number of sides"
                                    : ": MISMATCH, recount the sheets and rescan what is missing";
  } else {
    line += ": matches";
  }
  return line;
}

}  // namespace

int RunBatches(const BatchArgs& args) {
  auto store = OpenExistingStore(args.store);
  if (!store.ok()) {
    std::cerr << "chartscan: " << store.status().ToString() << "\n";
    return kExitError;
  }
  auto batches = (*store)->Batches();
  if (!batches.ok()) {
    std::cerr << "chartscan: cannot read batches: " << batches.status().ToString() << "\n";
    return kExitError;
  }
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& b : *batches) list.push_back(BatchJson(b));
    std::cout << nlohmann::json{{"batches", list}}.dump(2) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"ID", "KIND", "NAME", "STATUS", "STARTED", "PAGES",
                                                 "DONE", "FAILED", "FLAGGED", "BLANK", "SHEETS"}};
  bool resumable = false;
  for (const auto& b : *batches) {
    rows.push_back({std::to_string(b.batch_id), std::string(indexer::BatchKindName(b.kind)), b.name,
                    BatchStatus(b), LocalTime(b.started_micros), std::to_string(b.pages),
                    std::to_string(b.done_pages()), std::to_string(b.failed_pages()),
                    std::to_string(b.flagged_pages), std::to_string(b.blank_pages), Sheets(b)});
    resumable |= b.state != indexer::BatchState::kDone && !b.live;
  }
  PrintTable(rows);
  if (resumable) {
    std::printf("Finish an interrupted or stopped batch with: chartscan batch show ID\n");
  }
  return kExitOk;
}

int RunBatchShow(const BatchArgs& args) {
  auto opened = OpenExistingStore(args.store);
  if (!opened.ok()) {
    std::cerr << "chartscan: " << opened.status().ToString() << "\n";
    return kExitError;
  }
  indexer::Store& store = **opened;
  auto batch = store.GetBatch(args.batch_id);
  if (!batch.ok()) {
    std::cerr << "chartscan: " << batch.status().ToString() << "\n";
    return kExitError;
  }
  auto sources = store.BatchSources(args.batch_id);
  auto failures = store.Failures(args.batch_id);
  auto journal = store.Journal(args.batch_id);
  auto captures = store.PendingCaptures(args.batch_id);
  if (!sources.ok() || !failures.ok() || !journal.ok() || !captures.ok()) {
    std::cerr << "chartscan: cannot read batch " << args.batch_id << "\n";
    return kExitError;
  }
  // Pages journaled in this batch whose stored page carries an error.
  std::set<std::pair<std::int64_t, int>> failed;
  for (const auto& e : *journal) {
    if (e.stage == indexer::PageStage::kFailed) failed.insert({e.source_id, e.source_page});
  }
  struct FailedPage {
    std::int64_t source_id;
    std::string path;
    int page;
    std::string error;
  };
  std::vector<FailedPage> failed_pages;
  if (!failed.empty()) {
    std::vector<std::int64_t> ids;
    for (const auto& s : *sources) ids.push_back(s.source_id);
    Status s = store.ForEachPageOfSources(ids, [&](const indexer::StoredPage& p) {
      if (failed.count({p.source_id, p.source_page})) {
        failed_pages.push_back({p.source_id, p.source_path, p.source_page, p.error});
      }
      return Status::Ok();
    });
    if (!s.ok()) {
      std::cerr << "chartscan: cannot read batch " << args.batch_id << ": " << s.ToString() << "\n";
      return kExitError;
    }
  }
  const indexer::BatchInfo& b = *batch;
  if (args.json) {
    nlohmann::json j = BatchJson(b);
    nlohmann::json src = nlohmann::json::array();
    for (const auto& s : *sources) {
      src.push_back({{"source_id", s.source_id},
                     {"path", s.path},
                     {"kind", s.kind},
                     {"pages", s.page_count},
                     {"state", std::string(indexer::SourceStateName(s.state))}});
    }
    j["sources"] = src;
    nlohmann::json fails = nlohmann::json::array();
    for (const auto& f : *failures) {
      fails.push_back({{"path", f.path}, {"code", f.code}, {"message", f.message}});
    }
    j["failures"] = fails;
    nlohmann::json fp = nlohmann::json::array();
    for (const auto& f : failed_pages) {
      fp.push_back({{"source_id", f.source_id}, {"source_page", f.page}, {"error", f.error}});
    }
    j["failed_pages"] = fp;
    nlohmann::json lost = nlohmann::json::array();
    for (const auto& c : *captures) {
      if (c.lost) lost.push_back(c.path);
    }
    j["lost_side_paths"] = lost;
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::printf("Batch %lld  %s  (%s)\n", static_cast<long long>(b.batch_id), b.name.c_str(),
              std::string(indexer::BatchKindName(b.kind)).c_str());
  std::printf("  status      %s\n", BatchStatus(b).c_str());
  std::printf("  started     %s\n", LocalTime(b.started_micros).c_str());
  if (b.finished_micros) std::printf("  finished    %s\n", LocalTime(b.finished_micros).c_str());
  std::printf(
      "  pages       %d arrived: %d done, %d failed, %d in progress (%d blank, %d flagged)\n",
      b.pages, b.done_pages(), b.failed_pages(), b.pages - b.done_pages() - b.failed_pages(),
      b.blank_pages, b.flagged_pages);
  std::printf("  journal    ");
  for (int i = 0; i < indexer::kPageStageCount; ++i) {
    std::printf(" %s %d",
                std::string(indexer::PageStageName(static_cast<indexer::PageStage>(i))).c_str(),
                b.stages[i]);
  }
  std::printf("\n  sheets      %s\n", SheetLine(b).c_str());
  std::printf("  documents   %d\n", b.documents);
  std::printf("Sources (%zu):\n", sources->size());
  std::vector<std::vector<std::string>> rows = {{"  ID", "STATE", "PAGES", "PATH"}};
  for (const auto& s : *sources) {
    rows.push_back({"  " + std::to_string(s.source_id),
                    std::string(indexer::SourceStateName(s.state)), std::to_string(s.page_count),
                    s.path});
  }
  PrintTable(rows);
  if (!failures->empty()) {
    std::printf("Files set aside (%zu):\n", failures->size());
    for (const auto& f : *failures) {
      std::printf("  %s: %s: %s\n", f.path.c_str(), f.code.c_str(), f.message.c_str());
    }
  }
  if (!failed_pages.empty()) {
    std::printf("Pages that failed (%zu):\n", failed_pages.size());
    for (const auto& f : failed_pages) {
      std::printf("  %s page %d: %s\n", f.path.c_str(), f.page, f.error.c_str());
    }
  }
  for (const auto& c : *captures) {
    std::printf(c.lost ? "LOST: %s was being stored when chartscan stopped; scan that sheet again\n"
                       : "Pending: %s was being stored when chartscan stopped; resuming the batch "
                         "recovers it\n",
                c.path.c_str());
  }
  if (b.state != indexer::BatchState::kDone && !b.live) {
    std::printf("Finish it with: %s\n", ResumeCommand(b).c_str());
  }
  return kExitOk;
}

int RunCheck(const CheckArgs& args) {
  auto store = OpenExistingStore(args.store);
  if (!store.ok()) {
    std::cerr << "chartscan: " << store.status().ToString() << "\n";
    return kExitError;
  }
  auto report = (*store)->Check(args.verify_originals);
  if (!report.ok()) {
    std::cerr << "chartscan: the check could not run: " << report.status().ToString() << "\n";
    return kExitError;
  }
  if (args.json) {
    std::cout << nlohmann::json{{"ok", report->ok()},
                                {"pages", report->pages},
                                {"indexed_pages", report->indexed_pages},
                                {"sources", report->sources},
                                {"originals_checked", report->originals_checked},
                                {"problems", report->problems}}
                     .dump(2)
              << "\n";
  } else {
    std::printf("%lld pages (%lld in the search index), %lld sources",
                static_cast<long long>(report->pages),
                static_cast<long long>(report->indexed_pages),
                static_cast<long long>(report->sources));
    if (args.verify_originals) {
      std::printf(", %lld originals re-hashed", static_cast<long long>(report->originals_checked));
    }
    std::printf("\n");
    for (const auto& p : report->problems) std::printf("  PROBLEM %s\n", p.c_str());
    std::printf(report->ok() ? "The store is whole.\n" : "%zu problems found.\n",
                report->problems.size());
  }
  return report->ok() ? kExitOk : kExitSomeFailed;
}

}  // namespace chartscan::cli
