#include <map>
#include <string>

#include <chartscan/pipeline/roster.h>

namespace chartscan::pipeline {

std::vector<extract::RosterPatient> RosterOf(const std::vector<indexer::PatientRecord>& patients) {
  std::vector<extract::RosterPatient> out;
  out.reserve(patients.size());
  for (const indexer::PatientRecord& p : patients) {
    extract::RosterPatient r;
    r.mrn = p.mrn;
    r.family = p.family_name;
    r.given = p.given_name;
    r.dob = p.dob;
    r.sex = p.sex;
    out.push_back(std::move(r));
  }
  return out;
}

Result<RematchCounts> RematchCharts(indexer::Store& store) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::PatientRecord> patients, store.Patients());
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::ChartInfo> charts, store.Charts());
  const std::vector<extract::RosterPatient> roster = RosterOf(patients);
  std::vector<indexer::ChartMatch> matches;
  std::vector<extract::RosterMatchKind> kinds;
  std::map<std::int64_t, std::size_t> keeper;   // patient id -> index of the chart kept
  for (const indexer::ChartInfo& c : charts) {  // by id: oldest first
    const extract::RosterMatch m = extract::MatchRoster(roster, {c.mrn, c.patient_name, c.dob});
    indexer::ChartMatch cm;
    cm.chart_id = c.chart_id;
    cm.roster_match = std::string(extract::RosterMatchKindName(m.kind));
    if (m.index >= 0) {
      cm.patient_id = patients[static_cast<std::size_t>(m.index)].patient_id;
      auto [it, fresh] = keeper.emplace(cm.patient_id, matches.size());
      if (!fresh && m.kind == extract::RosterMatchKind::kMrn &&
          kinds[it->second] != extract::RosterMatchKind::kMrn) {
        it->second = matches.size();
      }
    }
    kinds.push_back(m.kind);
    matches.push_back(std::move(cm));
  }
  RematchCounts counts;
  for (std::size_t i = 0; i < matches.size(); ++i) {
    indexer::ChartMatch& cm = matches[i];
    if (cm.patient_id != 0 && keeper.at(cm.patient_id) != i) {
      cm.merge_into = matches[keeper.at(cm.patient_id)].chart_id;
      ++counts.merged;
      continue;
    }
    ++(kinds[i] == extract::RosterMatchKind::kMrn       ? counts.mrn
       : kinds[i] == extract::RosterMatchKind::kNameDob ? counts.name_dob
                                                        : counts.none);
  }
  CHARTSCAN_RETURN_IF_ERROR(store.SetChartMatches(matches));
  return counts;
}

}  // namespace chartscan::pipeline
