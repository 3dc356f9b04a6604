// The store's roster (master patient index) as extraction's matcher wants it, and re-matching
// every stored chart against it after an import.
//
// Thread safety: free functions; the store serializes its own writes.
// Errors: store read or write failures, as the store reports them.
#pragma once

#include <vector>

#include <chartscan/extract/roster.h>
#include <chartscan/indexer/store.h>
#include <chartscan/models/status.h>

namespace chartscan::pipeline {

// The roster rows in the order given (a match's index is an index into `patients`).
std::vector<extract::RosterPatient> RosterOf(const std::vector<indexer::PatientRecord>& patients);

struct RematchCounts {
  int mrn = 0;       // charts matched by exact MRN
  int name_dob = 0;  // by name and date of birth
  int none = 0;      // matching nobody (orphans)
  int merged = 0;    // charts merged into another chart of the same roster patient
};

// Matches every stored chart against the whole roster again and stores the matches. Charts that
// match one roster patient become one: their documents move to the chart matched by MRN (else the
// oldest) and the others are deleted. The counts are of the charts left.
Result<RematchCounts> RematchCharts(indexer::Store& store);

}  // namespace chartscan::pipeline
