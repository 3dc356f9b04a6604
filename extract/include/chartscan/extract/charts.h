// Grouping documents into patient charts.
//
// Method, in two passes so the order of documents does not matter:
//   1. Documents with an MRN join the chart with the same MRN (equal after OCR-confusion folding,
//      see SameMrn with no edits). An MRN one edit away from a chart's joins it only when name
//      and date of birth agree too (a misread digit); otherwise the MRN opens a new chart.
//   2. Documents without an MRN join the one chart whose name (SameName) and date of birth
//      (exact) match; with none, or several (ambiguous), they open or join a name-and-DOB chart.
// Documents with neither an MRN nor a name and a date of birth belong to no chart (orphans, for a
// clerk to file). Existing charts (from earlier batches) are matched first in the same way, so
// re-assembling a batch finds the charts it made before.
//
// Thread safety: pure function.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <chartscan/extract/boundaries.h>

namespace chartscan::extract {

using ChartIdentity = PatientIdentity;

struct ChartGrouping {
  // Existing charts first (same order as given), then the charts opened here.
  std::vector<ChartIdentity> charts;
  // Per document: index into charts, or -1 for an orphan.
  std::vector<int> chart_of_document;
};

ChartGrouping GroupCharts(std::span<const ChartIdentity> existing,
                          std::span<const ChartIdentity> documents);

}  // namespace chartscan::extract
