#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include <chartscan/capture/page_writer.h>
#include <chartscan/pipeline/scan.h>

#include "batch_run.h"

namespace chartscan::pipeline {

Status ScanOptions::Validate() const {
  CHARTSCAN_RETURN_IF_ERROR(ingest.Validate());
  CHARTSCAN_RETURN_IF_ERROR(settings.Validate());
  if (resume_batch < 0) return Status::InvalidArgument("scan: batch ids are positive");
  return Status::Ok();
}

std::string ScanInputs(const std::string& device, const capture::ScanSettings& settings) {
  nlohmann::json options = nlohmann::json::array();
  for (const auto& [name, value] : settings.device_options) options.push_back({name, value});
  return nlohmann::json{{"device", device},
                        {"source", std::string(capture::ScanSourceName(settings.source))},
                        {"dpi", settings.dpi},
                        {"mode", std::string(capture::ScanColorName(settings.color))},
                        {"options", options}}
      .dump();
}

Status ParseScanInputs(const std::string& inputs, std::string* device,
                       capture::ScanSettings* settings) {
  nlohmann::json j = nlohmann::json::parse(inputs, nullptr, /*allow_exceptions=*/false);
  auto text = [&](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  if (!j.is_object()) return Status::Corrupt("the batch does not record its scanner settings");
  std::optional<capture::ScanSource> source = capture::ParseScanSource(text("source"));
  std::optional<capture::ScanColor> color = capture::ParseScanColor(text("mode"));
  if (!source || !color || !j.contains("dpi") || !j["dpi"].is_number_integer()) {
    return Status::Corrupt("the batch's scanner settings are damaged");
  }
  *device = text("device");
  settings->source = *source;
  settings->color = *color;
  settings->dpi = j["dpi"].get<int>();
  settings->device_options.clear();
  if (j.contains("options") && j["options"].is_array()) {
    for (const auto& o : j["options"]) {
      if (o.is_array() && o.size() == 2 && o[0].is_string() && o[1].is_string()) {
        settings->device_options.emplace_back(o[0].get<std::string>(), o[1].get<std::string>());
      }
    }
  }
  return Status::Ok();
}

namespace {

// Calls scanner.Cancel() once *cancel turns true, so a Ctrl-C stops a side being read at once
// rather than after it (a full-page read can take seconds).
class CancelRelay {
 public:
  CancelRelay(capture::Scanner& scanner, const std::atomic<bool>* cancel)
      : thread_([this, &scanner, cancel] {
          if (cancel == nullptr) return;
          std::unique_lock lock(mu_);
          while (!done_) {
            if (cancel->load()) {
              scanner.Cancel();
              return;
            }
            cv_.wait_for(lock, std::chrono::milliseconds(50));
          }
        }) {}
  ~CancelRelay() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: started once the rest is built
};

std::string SidePath(const std::string& device, std::int64_t batch, int side) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "/batch-%lld/side-%04d", static_cast<long long>(batch), side);
  return "scan:" + device + buf;
}

}  // namespace

Result<ScanSummary> Scan(indexer::Store& store, capture::Scanner& scanner,
                         const ScanOptions& options, const ProgressFn& progress,
                         const std::atomic<bool>* cancel, Env* env) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  indexer::BatchStart start;
  start.kind = indexer::BatchKind::kScan;
  start.name = options.ingest.batch_name.empty() ? "scan" : options.ingest.batch_name;
  start.inputs =
      ScanInputs(options.device.empty() ? scanner.device_name() : options.device, options.settings);
  start.declared_sheets = options.ingest.declared_sheets;
  start.duplex = scanner.duplex();
  if (options.resume_batch != 0) {
    CHARTSCAN_ASSIGN_OR_RETURN(indexer::BatchInfo batch, store.GetBatch(options.resume_batch));
    if (batch.kind != indexer::BatchKind::kScan) {
      return Status::InvalidArgument("batch " + std::to_string(options.resume_batch) +
                                     " is not a scan batch");
    }
  }
  BatchRun run(store, options.ingest, progress, cancel, env);
  CHARTSCAN_RETURN_IF_ERROR(run.Start(start, options.resume_batch));
  ScanSummary summary;
  if (run.resumed()) {
    // Sides caught by a crash between being noted and being registered: registered now when
    // their original reached the disk, else marked lost for the operator to rescan.
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::PendingCapture> captures,
                               store.PendingCaptures(run.batch_id()));
    for (const indexer::PendingCapture& c : captures) {
      if (c.lost) continue;
      if (store.ReadOriginal(c.sha256).ok()) {
        CHARTSCAN_RETURN_IF_ERROR(
            store.RegisterArrivedSource(run.batch_id(), c.path, c.sha256, c.kind, c.size, 1)
                .status());
        ++summary.recovered_sides;
      } else {
        CHARTSCAN_RETURN_IF_ERROR(store.MarkCaptureLost(run.batch_id(), c.sha256));
        summary.lost_sides.push_back(c.path);
      }
    }
    CHARTSCAN_RETURN_IF_ERROR(run.QueuePending());
  }
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::SourceInfo> earlier,
                             store.BatchSources(run.batch_id()));
  CHARTSCAN_ASSIGN_OR_RETURN(indexer::BatchInfo batch, store.GetBatch(run.batch_id()));
  // Sides already in the batch, lost ones included: a lost side keeps its number.
  int side = static_cast<int>(earlier.size()) + batch.lost_sides;

  std::string stop_reason;
  const auto feed_start = std::chrono::steady_clock::now();
  {
    CancelRelay relay(scanner, cancel);
    while (!run.Cancelled()) {
      capture::ScanResult r = scanner.NextPage();
      if (r.fault == capture::ScanFault::kFeederEmpty) {
        summary.fault = r.fault;
        break;
      }
      if (r.fault == capture::ScanFault::kCancelled) break;  // Ctrl-C: stopped as cancelled
      if (r.fault != capture::ScanFault::kNone) {
        summary.fault = r.fault;
        summary.fault_message = r.message;
        stop_reason = std::string(capture::ScanFaultName(r.fault));
        break;
      }
      ++side;
      const std::string path = SidePath(scanner.device_name(), run.batch_id(), side);
      const std::string description = "chartscan scan; device " + scanner.device_name() +
                                      "; batch " + std::to_string(run.batch_id()) + "; side " +
                                      std::to_string(side) + (r.back_side ? " (back)" : "");
      Result<std::string> tiff = capture::EncodeTiff(r.page, description);
      if (!tiff.ok()) {
        // Never expected; the side cannot be kept, so stop as for a fault rather than lose pages
        // silently.
        run.AddProblem(path, 1, tiff.status());
        stop_reason = "encode_failed";
        break;
      }
      Status s = run.AddCaptured(*tiff, "tiff", path, std::move(r.page));
      if (!s.ok()) {
        stop_reason = "store_failed";
        break;
      }
      ++summary.sides;
    }
  }
  summary.feed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - feed_start).count();
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::SourceInfo> sources,
                             store.BatchSources(run.batch_id()));
  std::vector<std::int64_t> order;
  for (const indexer::SourceInfo& s : sources) order.push_back(s.source_id);
  CHARTSCAN_ASSIGN_OR_RETURN(summary.ingest, run.Finish(order, stop_reason));
  return summary;
}

}  // namespace chartscan::pipeline
