// chartscan charts / chartscan documents: the assembled charts and documents of a store, as an
// aligned table or JSON. These are the records workstation's own listings, so they show names
// and MRNs (never OCR text); logs and error messages still never do.
//
// Orphans: when the store holds a roster, a chart whose identity matches nobody on it
// (roster_match "none"), its documents, and documents in no chart at all. Without a roster
// nothing is an orphan.
//
// JSON (a contract other tools read; add keys freely, never rename or remove one):
//   charts     {roster_loaded, documents_without_chart, charts: [{chart_id, mrn, patient_name,
//              dob, roster_match ("mrn", "name_dob", "none", or null without a roster), patient
//              (the roster row or null), orphan, documents, pages, needs_review,
//              needs_review_documents}]}
//   documents  {roster_loaded, documents: [{document_id, chart_id, batch_id, doc_type,
//              doc_type_confidence, date_of_service, pages, page_ids, needs_review,
//              misfiled_pages (page ids), orphan}]}
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "commands.h"

namespace chartscan::cli {
namespace {

nlohmann::json IdOrNull(std::int64_t id) { return id ? nlohmann::json(id) : nlohmann::json(); }
nlohmann::json TextOrNull(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

bool ChartIsOrphan(const indexer::ChartInfo& c) {
  return c.roster_match == indexer::kRosterMatchNone;
}

}  // namespace

void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  }
}

// The store with its charts and roster, as both listings need them; null after printing why
// they could not be read.
struct Listing {
  std::unique_ptr<indexer::Store> store;
  std::vector<indexer::ChartInfo> charts;
  std::vector<indexer::PatientRecord> patients;
};

std::optional<Listing> LoadListing(const ListArgs& args) {
  auto store = OpenExistingStore(args.store);
  if (!store.ok()) {
    std::cerr << "chartscan: " << store.status().ToString() << "\n";
    return std::nullopt;
  }
  auto charts = (*store)->Charts();
  if (!charts.ok()) {
    std::cerr << "chartscan: cannot read charts: " << charts.status().ToString() << "\n";
    return std::nullopt;
  }
  auto patients = (*store)->Patients();
  if (!patients.ok()) {
    std::cerr << "chartscan: cannot read the roster: " << patients.status().ToString() << "\n";
    return std::nullopt;
  }
  return Listing{std::move(store).value(), std::move(charts).value(), std::move(patients).value()};
}

int RunCharts(const ListArgs& args) {
  std::optional<Listing> listing = LoadListing(args);
  if (!listing) return kExitError;
  indexer::Store* store = listing->store.get();
  const std::vector<indexer::ChartInfo>& charts = listing->charts;
  const std::vector<indexer::PatientRecord>& patients = listing->patients;
  std::map<std::int64_t, const indexer::PatientRecord*> by_id;
  for (const indexer::PatientRecord& p : patients) by_id[p.patient_id] = &p;
  // Documents in no chart are orphans when a roster exists; they are counted for the footer.
  int chartless = 0;
  Status s = store->ForEachDocument([&](const indexer::DocumentInfo& d) {
    if (d.chart_id == 0) ++chartless;
    return Status::Ok();
  });
  if (!s.ok()) {
    std::cerr << "chartscan: cannot read documents: " << s.ToString() << "\n";
    return kExitError;
  }
  std::vector<const indexer::ChartInfo*> shown;
  for (const indexer::ChartInfo& c : charts) {
    if (!args.orphans || ChartIsOrphan(c)) shown.push_back(&c);
  }
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const indexer::ChartInfo* c : shown) {
      nlohmann::json patient;
      if (auto it = by_id.find(c->patient_id); it != by_id.end()) {
        patient = {{"patient_id", it->second->patient_id},
                   {"mrn", it->second->mrn},
                   {"family_name", it->second->family_name},
                   {"given_name", it->second->given_name},
                   {"dob", it->second->dob}};
      }
      list.push_back({{"chart_id", c->chart_id},
                      {"mrn", c->mrn},
                      {"patient_name", c->patient_name},
                      {"dob", c->dob},
                      {"roster_match", TextOrNull(c->roster_match)},
                      {"patient", patient},
                      {"orphan", ChartIsOrphan(*c)},
                      {"documents", c->documents},
                      {"pages", c->pages},
                      {"needs_review", c->needs_review_documents > 0},
                      {"needs_review_documents", c->needs_review_documents}});
    }
    std::cout << nlohmann::json{{"roster_loaded", !patients.empty()},
                                {"charts", list},
                                {"documents_without_chart", chartless}}
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"chart", "MRN", "name", "DOB", "roster", "docs", "pages", "review"}};
  for (const indexer::ChartInfo* c : shown) {
    std::string roster = "-";
    if (c->roster_match == "none") {
      roster = "ORPHAN";
    } else if (!c->roster_match.empty()) {
      roster = "#" + std::to_string(c->patient_id) + " by " + c->roster_match;
    }
    rows.push_back(
        {std::to_string(c->chart_id), c->mrn.empty() ? "-" : c->mrn,
         c->patient_name.empty() ? "-" : c->patient_name, c->dob.empty() ? "-" : c->dob, roster,
         std::to_string(c->documents), std::to_string(c->pages),
         c->needs_review_documents > 0 ? std::to_string(c->needs_review_documents) + " docs" : ""});
  }
  PrintTable(rows);
  std::printf("%zu %s", shown.size(), args.orphans ? "orphan charts" : "charts");
  if (patients.empty()) std::printf(" (no roster loaded: chartscan patients import FILE.csv)");
  std::printf("\n");
  if (chartless > 0) {
    std::printf("%d documents have no patient identity to chart them by%s\n", chartless,
                patients.empty() ? "" : " (orphans)");
  }
  return kExitOk;
}

int RunDocuments(const ListArgs& args) {
  std::optional<Listing> listing = LoadListing(args);
  if (!listing) return kExitError;
  indexer::Store* store = listing->store.get();
  const std::vector<indexer::ChartInfo>& charts = listing->charts;
  const std::vector<indexer::PatientRecord>& patients = listing->patients;
  const bool roster = !patients.empty();
  std::map<std::int64_t, const indexer::ChartInfo*> chart_of;
  for (const indexer::ChartInfo& c : charts) chart_of[c.chart_id] = &c;
  nlohmann::json list = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows = {
      {"doc", "chart", "type", "date of service", "pages", "review", "misfiled pages"}};
  int count = 0;
  Status s = store->ForEachDocument([&](const indexer::DocumentInfo& d) {
    if (args.chart && d.chart_id != *args.chart) return Status::Ok();
    if (args.needs_review && !d.needs_review) return Status::Ok();
    auto it = chart_of.find(d.chart_id);
    const bool orphan =
        roster && (d.chart_id == 0 || (it != chart_of.end() && ChartIsOrphan(*it->second)));
    if (args.orphans && !orphan) return Status::Ok();
    ++count;
    if (args.json) {
      list.push_back({{"document_id", d.document_id},
                      {"chart_id", IdOrNull(d.chart_id)},
                      {"batch_id", d.batch_id},
                      {"doc_type", TextOrNull(d.type.name)},
                      {"doc_type_confidence", d.type.confidence},
                      {"date_of_service", TextOrNull(d.date_of_service)},
                      {"pages", d.page_ids.size()},
                      {"page_ids", d.page_ids},
                      {"needs_review", d.needs_review},
                      {"misfiled_pages", d.misfiled_page_ids},
                      {"orphan", orphan}});
      return Status::Ok();
    }
    std::string misfiled;
    for (std::int64_t id : d.misfiled_page_ids) {
      misfiled += (misfiled.empty() ? "page " : ", ") + std::to_string(id);
    }
    std::string chart = d.chart_id ? std::to_string(d.chart_id) : "-";
    if (orphan) chart += " (orphan)";
    rows.push_back({std::to_string(d.document_id), chart, d.type.name.empty() ? "-" : d.type.name,
                    d.date_of_service.empty() ? "-" : d.date_of_service,
                    std::to_string(d.page_ids.size()), d.needs_review ? "yes" : "", misfiled});
    return Status::Ok();
  });
  if (!s.ok()) {
    std::cerr << "chartscan: cannot read documents: " << s.ToString() << "\n";
    return kExitError;
  }
  if (args.json) {
    std::cout << nlohmann::json{{"roster_loaded", roster}, {"documents", list}}.dump(2) << "\n";
    return kExitOk;
  }
  PrintTable(rows);
  std::printf("%d documents\n", count);
  return kExitOk;
}

}  // namespace chartscan::cli
