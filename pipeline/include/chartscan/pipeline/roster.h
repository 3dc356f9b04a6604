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

// Charts matched to one roster patient are one chart. Given the matches of charts in order, the
// position of the chart each one becomes: the first chart matched to its patient by MRN, else the
// first matched to it at all. A chart matching nobody stays itself.
std::vector<std::size_t> ChartKeepers(const std::vector<extract::RosterMatch>& matches);

struct RematchCounts {
  int mrn = 0;               // charts matched by exact MRN
  int name_dob = 0;          // by name and date of birth
  int none = 0;              // matching nobody (orphans)
  int merged = 0;            // charts merged into another chart of the same roster patient
  int roster_conflicts = 0;  // document fields disagreeing with their chart's roster patient
};

// Matches every stored chart against the whole roster again and stores the matches. Charts that
// match one roster patient become one: their documents move to the chart matched by MRN (else the
// oldest) and the others are deleted. The counts are of the charts left. Identity fields of a
// matched chart's documents that disagree with its patient (extract::DiffersFromRoster) are marked
// for review, unless a clerk verified them.
Result<RematchCounts> RematchCharts(indexer::Store& store);

}  // namespace chartscan::pipeline
