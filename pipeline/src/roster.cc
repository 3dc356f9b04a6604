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

std::vector<std::size_t> ChartKeepers(const std::vector<extract::RosterMatch>& matches) {
  std::map<int, std::size_t> keeper;  // roster index -> position of the chart kept
  for (std::size_t i = 0; i < matches.size(); ++i) {
    if (matches[i].index < 0) continue;
    auto [it, fresh] = keeper.emplace(matches[i].index, i);
    if (!fresh && matches[i].kind == extract::RosterMatchKind::kMrn &&
        matches[it->second].kind != extract::RosterMatchKind::kMrn) {
      it->second = i;
    }
  }
  std::vector<std::size_t> out(matches.size());
  for (std::size_t i = 0; i < matches.size(); ++i) {
    out[i] = matches[i].index < 0 ? i : keeper.at(matches[i].index);
  }
  return out;
}

Result<RematchCounts> RematchCharts(indexer::Store& store) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::PatientRecord> patients, store.Patients());
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::ChartInfo> charts, store.Charts());
  const std::vector<extract::RosterPatient> roster = RosterOf(patients);
  std::vector<extract::RosterMatch> found;
  for (const indexer::ChartInfo& c : charts) {  // by id: oldest first
    found.push_back(extract::MatchRoster(roster, {c.mrn, c.patient_name, c.dob}));
  }
  const std::vector<std::size_t> keepers = ChartKeepers(found);
  std::vector<indexer::ChartMatch> matches;
  RematchCounts counts;
  for (std::size_t i = 0; i < charts.size(); ++i) {
    const extract::RosterMatch& m = found[i];
    indexer::ChartMatch cm;
    cm.chart_id = charts[i].chart_id;
    cm.roster_match = std::string(extract::RosterMatchKindName(m.kind));
    if (m.index >= 0) cm.patient_id = patients[static_cast<std::size_t>(m.index)].patient_id;
    if (keepers[i] != i) {
      cm.merge_into = charts[keepers[i]].chart_id;
      ++counts.merged;
    } else {
      ++(m.kind == extract::RosterMatchKind::kMrn       ? counts.mrn
         : m.kind == extract::RosterMatchKind::kNameDob ? counts.name_dob
                                                        : counts.none);
    }
    matches.push_back(std::move(cm));
  }
  // Values that differ from the patient a chart matched, read in one pass over the documents
  // (not one query per chart: a whole archive is re-matched at once).
  std::map<std::int64_t, std::size_t> chart_at;
  for (std::size_t i = 0; i < charts.size(); ++i) {
    if (found[i].index >= 0) chart_at[charts[i].chart_id] = i;
  }
  CHARTSCAN_RETURN_IF_ERROR(store.ForEachDocument([&](const DocumentInfo& d) -> Status {
    const auto it = chart_at.find(d.chart_id);
    if (it == chart_at.end()) return Status::Ok();
    const extract::RosterPatient& patient =
        roster[static_cast<std::size_t>(found[it->second].index)];
    for (std::size_t f : extract::FieldsDifferingFromRoster(patient, d.fields)) {
      matches[it->second].review_fields.emplace_back(d.document_id, static_cast<int>(f));
      ++counts.roster_conflicts;
    }
    return Status::Ok();
  }));
  CHARTSCAN_RETURN_IF_ERROR(store.SetChartMatches(matches));
  return counts;
}

}  // namespace chartscan::pipeline
