// Chart grouping; the method is described in charts.h.
#include <chartscan/extract/boundaries.h>
#include <chartscan/extract/charts.h>

namespace chartscan::extract {

ChartGrouping GroupCharts(std::span<const ChartIdentity> existing,
                          std::span<const ChartIdentity> documents) {
  ChartGrouping out;
  out.charts.assign(existing.begin(), existing.end());
  out.chart_of_document.assign(documents.size(), -1);

  auto person_matches = [](const ChartIdentity& c, const ChartIdentity& d) {
    return !c.patient_name.empty() && !c.dob.empty() && SameName(c.patient_name, d.patient_name) &&
           c.dob == d.dob;
  };

  // Pass 1: record numbers.
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const ChartIdentity& d = documents[i];
    if (d.mrn.empty()) continue;
    int found = -1;
    for (int c = 0; c < static_cast<int>(out.charts.size()) && found < 0; ++c) {
      if (SameMrn(out.charts[static_cast<std::size_t>(c)].mrn, d.mrn, 0)) found = c;
    }
    for (int c = 0; c < static_cast<int>(out.charts.size()) && found < 0; ++c) {
      const ChartIdentity& ch = out.charts[static_cast<std::size_t>(c)];
      if (SameMrn(ch.mrn, d.mrn, 1) && person_matches(ch, d)) found = c;
    }
    if (found < 0) {
      out.charts.push_back(d);
      found = static_cast<int>(out.charts.size()) - 1;
    }
    ChartIdentity& ch = out.charts[static_cast<std::size_t>(found)];
    if (ch.patient_name.empty()) ch.patient_name = d.patient_name;
    if (ch.dob.empty()) ch.dob = d.dob;
    out.chart_of_document[i] = found;
  }
  // Pass 2: name and date of birth.
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const ChartIdentity& d = documents[i];
    if (!d.mrn.empty() || d.patient_name.empty() || d.dob.empty()) continue;
    int found = -1;
    int matches = 0;
    for (int c = 0; c < static_cast<int>(out.charts.size()); ++c) {
      const ChartIdentity& ch = out.charts[static_cast<std::size_t>(c)];
      if (!ch.mrn.empty() && person_matches(ch, d)) {
        ++matches;
        found = c;
      }
    }
    if (matches != 1) {
      found = -1;
      for (int c = 0; c < static_cast<int>(out.charts.size()) && found < 0; ++c) {
        const ChartIdentity& ch = out.charts[static_cast<std::size_t>(c)];
        if (ch.mrn.empty() && person_matches(ch, d)) found = c;
      }
    }
    if (found < 0) {
      out.charts.push_back(d);
      found = static_cast<int>(out.charts.size()) - 1;
    }
    out.chart_of_document[i] = found;
  }
  return out;
}

}  // namespace chartscan::extract
