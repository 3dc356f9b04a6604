#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include <chartscan/pipeline/ingest.h>

#include "batch_run.h"

namespace chartscan::pipeline {

Status IngestOptions::Validate() const {
  if (workers < 0 || workers > 256) return Status::InvalidArgument("ingest: workers must be 0-256");
  if (queue_depth < 0) return Status::InvalidArgument("ingest: queue depth must not be negative");
  if (resume_batch < 0) return Status::InvalidArgument("ingest: batch ids are positive");
  if (declared_sheets < 0 || declared_sheets > 1'000'000) {
    return Status::InvalidArgument("ingest: declared sheets must be 0-1000000");
  }
  CHARTSCAN_RETURN_IF_ERROR(capture.Validate());
  CHARTSCAN_RETURN_IF_ERROR(cleanup.Validate());
  CHARTSCAN_RETURN_IF_ERROR(extract.Validate());
  CHARTSCAN_RETURN_IF_ERROR(boundaries.Validate());
  if (read_barcodes) CHARTSCAN_RETURN_IF_ERROR(barcode.Validate());
  return ocr.Validate();
}

int IngestOptions::EffectiveWorkers() const {
  if (workers > 0) return workers;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::string IngestInputs(const std::vector<std::string>& paths) {
  nlohmann::json list = nlohmann::json::array();
  for (const std::string& p : paths) {
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(p, ec);
    list.push_back(ec ? p : abs.lexically_normal().string());
  }
  return nlohmann::json{{"paths", list}}.dump();
}

Result<std::vector<std::string>> IngestPathsOf(const std::string& inputs) {
  nlohmann::json j = nlohmann::json::parse(inputs, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("paths") || !j["paths"].is_array()) {
    return Status::Corrupt("the batch does not record the paths it ingested");
  }
  std::vector<std::string> out;
  for (const auto& p : j["paths"]) {
    if (p.is_string()) out.push_back(p.get<std::string>());
  }
  return out;
}

Result<IngestSummary> Ingest(indexer::Store& store, const std::vector<std::string>& paths,
                             const IngestOptions& options, const ProgressFn& progress,
                             const std::atomic<bool>* cancel, Env* env) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  std::vector<std::string> inputs_paths = paths;
  std::int64_t resume = options.resume_batch;
  if (resume != 0) {
    CHARTSCAN_ASSIGN_OR_RETURN(indexer::BatchInfo batch, store.GetBatch(resume));
    if (batch.kind != indexer::BatchKind::kIngest) {
      return Status::InvalidArgument("batch " + std::to_string(resume) + " is a " +
                                     std::string(indexer::BatchKindName(batch.kind)) +
                                     " batch, not an ingest");
    }
    if (inputs_paths.empty()) {
      CHARTSCAN_ASSIGN_OR_RETURN(inputs_paths, IngestPathsOf(batch.inputs));
    }
  }
  if (inputs_paths.empty()) return Status::InvalidArgument("ingest: no files or folders given");
  indexer::BatchStart start;
  start.kind = indexer::BatchKind::kIngest;
  start.name = options.batch_name.empty() ? "ingest" : options.batch_name;
  start.inputs = IngestInputs(inputs_paths);
  start.declared_sheets = options.declared_sheets;
  start.duplex = options.duplex;
  if (resume == 0 && options.auto_resume) {
    CHARTSCAN_ASSIGN_OR_RETURN(resume,
                               FindResumable(store, indexer::BatchKind::kIngest, start.inputs));
  }

  BatchRun run(store, options, progress, cancel, env);
  CHARTSCAN_RETURN_IF_ERROR(run.Start(start, resume));
  if (run.resumed()) CHARTSCAN_RETURN_IF_ERROR(run.QueuePending());

  std::vector<Status> discovery_problems;
  std::vector<std::string> files = capture::DiscoverFiles(*env, inputs_paths, &discovery_problems);
  for (const Status& s : discovery_problems) run.AddProblem("", 0, s);
  run.AddKnownFiles(static_cast<int>(files.size()));
  for (const std::string& path : files) {
    if (run.Cancelled()) break;
    // Only store failures come back here: the store cannot take more, so stop reading.
    if (!run.AddFile(path).ok()) break;
  }
  return run.Finish({}, "");
}

}  // namespace chartscan::pipeline
