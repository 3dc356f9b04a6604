// The assembly pass of an ingest (described in ingest.h): documents and charts from the stored
// pages of a batch. Internal to the pipeline.
#pragma once

#include <cstdint>
#include <vector>

#include <chartscan/extract/boundaries.h>
#include <chartscan/extract/extractor.h>
#include <chartscan/indexer/store.h>
#include <chartscan/models/status.h>

namespace chartscan::pipeline {

struct AssemblyCounts {
  int documents = 0;
  int charts = 0;
  int orphan_documents = 0;
  int unmatched_charts = 0;  // charts matching nobody on the store's roster (0 without a roster)
  int misfiled_pages = 0;
  int roster_conflicts = 0;  // document fields marked for review as disagreeing with the roster
  int mrns_doubted = 0;      // document MRNs marked for review: their zero padding is broken
  int separator_pages = 0;
};

// Reads the pages of `source_ids` (in that order) from the store, assembles them and writes the
// result. Memory holds one small summary per page plus one document's pages at a time. Errors are
// store errors; nothing is written unless everything succeeds.
Result<AssemblyCounts> AssembleBatch(indexer::Store& store, std::int64_t batch_id,
                                     const std::vector<std::int64_t>& source_ids,
                                     const extract::Extractor& extractor,
                                     const extract::BoundaryOptions& options);

}  // namespace chartscan::pipeline
