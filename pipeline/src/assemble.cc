// Batch assembly. Two passes over the stored pages keep memory flat: the first keeps a boundary
// summary and the extracted fields of each page (no words), the second re-reads one document's
// pages at a time to classify it over its full text.
//
// Misfiled pages: a page FindBoundaries kept in a document against its own footer or identity
// (DocumentSpan::misplaced), or one naming another patient (extract::DifferentPatients) than the
// document's patient, which is the page identity most of its pages agree with (ties: the earlier
// page). Choosing one whole identity, rather than merging name, MRN and DOB field by field, keeps
// a stray page from lending the document its date of birth. Misfiled pages' fields are left out
// of the merge and the document needs review. A page that merely misreads a character of the MRN
// is not misfiled; the merge marks that field for review instead.
//
// Roster: when the store holds a roster (patients import), each chart written is matched against
// it (extract::MatchRoster: exact MRN, else name and date of birth) and keeps the patient and how
// it matched; a chart matching nobody is an orphan. Charts of this run matching one roster patient
// are merged into the one matched by MRN. Without a roster charts are left unmatched. A document
// field (MRN, patient name, date of birth) that disagrees with its chart's roster patient
// (extract::DiffersFromRoster) is marked for review: matching tolerates misreads, so a chart
// found by name and birth date may carry a misread MRN, and one found by MRN a misread name.
//
// Padding: a document's MRN that breaks the zero padding the store's and the batch's other
// record numbers of its length share (extract::MrnPadding: "6008404556" among numbers like
// "0008404556") is marked for review, roster or not: a zero misread that way reads confidently.
#include "assemble.h"

#include <set>

#include <chartscan/extract/charts.h>
#include <chartscan/extract/identifiers.h>
#include <chartscan/extract/roster.h>
#include <chartscan/pipeline/roster.h>

namespace chartscan::pipeline {
namespace {

struct PageSummary {
  std::int64_t page_id = 0;
  bool content = false;  // recognized, not blank, no error
  std::vector<Field> fields;
};

std::string FieldValue(const std::vector<Field>& fields, const char* name) {
  for (const Field& f : fields) {
    if (f.name == name) return f.normalized;
  }
  return {};
}

}  // namespace

Result<AssemblyCounts> AssembleBatch(indexer::Store& store, std::int64_t batch_id,
                                     const std::vector<std::int64_t>& source_ids,
                                     const extract::Extractor& extractor,
                                     const extract::BoundaryOptions& options) {
  const extract::ExtractOptions& eo = extractor.options();
  const extract::DocTypeRules& rules =
      eo.doc_type_rules ? *eo.doc_type_rules : extract::DocTypeRules::BuiltIn();
  std::vector<extract::BoundaryPage> bounds_in;
  std::vector<PageSummary> pages;
  CHARTSCAN_RETURN_IF_ERROR(
      store.ForEachPageOfSources(source_ids, [&](const indexer::StoredPage& p) -> Status {
        extract::BoundaryPage b;
        PageSummary s;
        s.page_id = p.page_id;
        s.content = !p.blank && p.error.empty() && !p.text.words.empty();
        if (s.content) {
          b = extract::SummarizePage(p.text, p.fields, rules);
          s.fields = p.fields;
        }
        b.source_id = p.source_id;
        b.source_page = p.source_page;
        b.blank = p.blank;
        b.barcodes = p.barcodes;
        bounds_in.push_back(std::move(b));
        pages.push_back(std::move(s));
        return Status::Ok();
      }));
  CHARTSCAN_ASSIGN_OR_RETURN(extract::Boundaries bounds,
                             extract::FindBoundaries(bounds_in, options));

  AssemblyCounts counts;
  counts.separator_pages = static_cast<int>(bounds.separators.size());
  indexer::AssemblyWrite write;
  write.batch_id = batch_id;
  write.source_ids = source_ids;
  std::vector<extract::ChartIdentity> identities;
  for (const extract::DocumentSpan& span : bounds.documents) {
    const std::set<int> misplaced(span.misplaced.begin(), span.misplaced.end());
    indexer::DocumentWrite d;
    d.boundary = std::string(extract::BoundaryReasonName(span.reason));
    // The document's patient: the page identity most of its other pages agree with (ties: the
    // earlier page). Pages naming another patient are flagged, as are misplaced ones.
    std::vector<extract::PatientIdentity> ids;
    for (int i : span.pages) {
      const extract::BoundaryPage& b = bounds_in[static_cast<std::size_t>(i)];
      ids.push_back({b.mrn, b.patient_name, b.dob});
    }
    auto known = [](const extract::PatientIdentity& id) {
      return !id.mrn.empty() || !id.patient_name.empty() || !id.dob.empty();
    };
    int anchor = -1, anchor_votes = -1;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (!known(ids[k]) || misplaced.count(span.pages[k])) continue;
      int votes = 0;
      for (std::size_t o = 0; o < ids.size(); ++o) {
        if (o != k && known(ids[o]) && !extract::DifferentPatients(ids[k], ids[o])) ++votes;
      }
      if (votes > anchor_votes) {
        anchor = static_cast<int>(k);
        anchor_votes = votes;
      }
    }
    std::vector<std::vector<Field>> per_page;
    for (std::size_t k = 0; k < span.pages.size(); ++k) {
      const PageSummary& s = pages[static_cast<std::size_t>(span.pages[k])];
      d.page_ids.push_back(s.page_id);
      const bool flagged = misplaced.count(span.pages[k]) > 0 ||
                           (anchor >= 0 && extract::DifferentPatients(
                                               ids[static_cast<std::size_t>(anchor)], ids[k]));
      if (flagged) d.misfiled_page_ids.push_back(s.page_id);
      std::vector<Field> fields;
      if (!flagged) fields = s.fields;
      for (Field& f : fields) f.page_index = static_cast<int>(k);
      per_page.push_back(std::move(fields));
    }
    DocumentFields merged = extractor.MergeDocument(per_page);
    if (!d.misfiled_page_ids.empty()) merged.needs_review = true;
    counts.misfiled_pages += static_cast<int>(d.misfiled_page_ids.size());
    const std::set<std::int64_t> misfiled(d.misfiled_page_ids.begin(), d.misfiled_page_ids.end());

    // Type over the document's own content pages, read back whole.
    std::vector<PageText> texts;
    for (std::size_t k = 0; k < span.pages.size(); ++k) {
      const PageSummary& s = pages[static_cast<std::size_t>(span.pages[k])];
      if (!s.content || misfiled.count(s.page_id)) continue;
      CHARTSCAN_ASSIGN_OR_RETURN(indexer::StoredPage full, store.GetPage(s.page_id));
      texts.push_back(std::move(full.text));
    }
    d.type = extractor.ClassifyDocument(texts);
    d.needs_review = merged.needs_review || d.type.needs_review;
    d.date_of_service = FieldValue(merged.fields, "date_of_service");
    d.fields = std::move(merged.fields);
    identities.push_back({FieldValue(d.fields, "mrn"), FieldValue(d.fields, "patient_name"),
                          FieldValue(d.fields, "dob")});
    write.documents.push_back(std::move(d));
  }

  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::ChartInfo> existing, store.Charts());
  std::vector<extract::ChartIdentity> known;
  for (const indexer::ChartInfo& c : existing) known.push_back({c.mrn, c.patient_name, c.dob});
  {
    std::vector<std::string> mrns;
    for (const extract::ChartIdentity& c : known) mrns.push_back(c.mrn);
    for (const extract::ChartIdentity& c : identities) mrns.push_back(c.mrn);
    const extract::MrnPadding padding(mrns);
    for (indexer::DocumentWrite& d : write.documents) {
      for (Field& f : d.fields) {
        if (f.name != "mrn" || f.needs_review || !padding.Doubts(f.normalized)) continue;
        f.needs_review = true;
        d.needs_review = true;
        ++counts.mrns_doubted;
      }
    }
  }
  extract::ChartGrouping grouping = extract::GroupCharts(known, identities);
  // Only the charts these documents use are written.
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::PatientRecord> patients, store.Patients());
  const std::vector<extract::RosterPatient> roster = RosterOf(patients);
  // Roster matches of the charts these documents use. Two charts matching one roster patient are
  // one chart (a misread MRN grouped apart, then matched by name and date of birth): documents go
  // to the chart matched by MRN, or else to the first.
  std::vector<extract::RosterMatch> match(grouping.charts.size());
  std::vector<int> target(grouping.charts.size());
  for (std::size_t c = 0; c < target.size(); ++c) target[c] = static_cast<int>(c);
  if (!roster.empty()) {
    std::vector<int> used;  // charts in the order documents first use them
    std::vector<extract::RosterMatch> used_match;
    std::vector<bool> seen(grouping.charts.size(), false);
    for (int c : grouping.chart_of_document) {
      if (c < 0 || seen[static_cast<std::size_t>(c)]) continue;
      seen[static_cast<std::size_t>(c)] = true;
      used.push_back(c);
      match[static_cast<std::size_t>(c)] =
          extract::MatchRoster(roster, grouping.charts[static_cast<std::size_t>(c)]);
      used_match.push_back(match[static_cast<std::size_t>(c)]);
    }
    const std::vector<std::size_t> keepers = ChartKeepers(used_match);
    for (std::size_t k = 0; k < used.size(); ++k) {
      target[static_cast<std::size_t>(used[k])] = used[keepers[k]];
    }
  }
  std::vector<int> write_index(grouping.charts.size(), -1);
  for (std::size_t i = 0; i < write.documents.size(); ++i) {
    const int grouped = grouping.chart_of_document[i];
    if (grouped < 0) {
      ++counts.orphan_documents;
      continue;
    }
    const int c = target[static_cast<std::size_t>(grouped)];
    if (write_index[static_cast<std::size_t>(c)] < 0) {
      const extract::ChartIdentity& id = grouping.charts[static_cast<std::size_t>(c)];
      indexer::ChartWrite cw;
      cw.chart_id = c < static_cast<int>(existing.size())
                        ? existing[static_cast<std::size_t>(c)].chart_id
                        : 0;
      cw.mrn = id.mrn;
      cw.patient_name = id.patient_name;
      cw.dob = id.dob;
      if (!roster.empty()) {
        const extract::RosterMatch& m = match[static_cast<std::size_t>(c)];
        cw.roster_match = std::string(extract::RosterMatchKindName(m.kind));
        if (m.index >= 0) cw.patient_id = patients[static_cast<std::size_t>(m.index)].patient_id;
        if (m.index < 0) ++counts.unmatched_charts;
      }
      write_index[static_cast<std::size_t>(c)] = static_cast<int>(write.charts.size());
      write.charts.push_back(std::move(cw));
    }
    write.documents[i].chart = write_index[static_cast<std::size_t>(c)];
    // A chart found its patient although the page misread the MRN, the name or the birth date:
    // the value read disagrees with the roster, and a clerk should see it (never trust it).
    const int patient = roster.empty() ? -1 : match[static_cast<std::size_t>(c)].index;
    if (patient < 0) continue;
    indexer::DocumentWrite& d = write.documents[i];
    for (std::size_t f :
         extract::FieldsDifferingFromRoster(roster[static_cast<std::size_t>(patient)], d.fields)) {
      d.fields[f].needs_review = true;
      d.needs_review = true;
      ++counts.roster_conflicts;
    }
  }
  counts.documents = static_cast<int>(write.documents.size());
  counts.charts = static_cast<int>(write.charts.size());
  CHARTSCAN_RETURN_IF_ERROR(store.Assemble(write).status());
  return counts;
}

}  // namespace chartscan::pipeline
