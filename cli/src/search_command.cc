// chartscan search: pages matching a query, with snippets.
#include <algorithm>
#include <iostream>

#include <nlohmann/json.hpp>

#include <chartscan/indexer/store.h>

#include "commands.h"

namespace chartscan::cli {
namespace {

std::string JoinQuery(const std::vector<std::string>& words) {
  std::string q;
  for (const std::string& w : words) {
    if (!q.empty()) q += ' ';
    q += w;
  }
  return q;
}

// Hits of one document, and documents of one chart, in the order their best hit was ranked.
struct DocumentHits {
  std::vector<const indexer::SearchHit*> hits;
};
struct HitGroup {
  std::int64_t chart_id = 0;
  std::string mrn;
  std::string patient_name;
  std::vector<DocumentHits> documents;
};

std::vector<HitGroup> GroupHits(const std::vector<indexer::SearchHit>& hits) {
  std::vector<HitGroup> groups;
  for (const indexer::SearchHit& h : hits) {
    // Pages with no chart group by themselves (chart 0), documents by id (0: unassembled).
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const HitGroup& x) { return x.chart_id == h.chart_id; });
    if (g == groups.end()) {
      groups.push_back({h.chart_id, h.mrn, h.patient_name, {}});
      g = groups.end() - 1;
    }
    auto d = std::find_if(g->documents.begin(), g->documents.end(), [&](const DocumentHits& x) {
      return x.hits[0]->document_id == h.document_id;
    });
    if (d == g->documents.end()) {
      g->documents.push_back({{&h}});
    } else {
      d->hits.push_back(&h);
    }
  }
  return groups;
}

}  // namespace

Result<std::unique_ptr<indexer::Store>> OpenExistingStore(const std::string& flag) {
  indexer::StoreOptions options;
  options.dir = ResolveStoreDir(flag);
  options.read_only = true;
  auto store = indexer::Store::Open(options);
  if (!store.ok() && store.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("no store at " + options.dir +
                            " (digitize something first: chartscan ingest)");
  }
  return store;
}

int RunSearch(const SearchArgs& args) {
  auto store = OpenExistingStore(args.store);
  if (!store.ok()) {
    std::cerr << "chartscan: " << store.status().ToString() << "\n";
    return kExitError;
  }
  const std::string query = JoinQuery(args.query);
  indexer::SearchOptions options;
  options.limit = args.limit;
  options.offset = args.offset;
  if (args.json) {
    options.highlight_begin = "<b>";
    options.highlight_end = "</b>";
  }
  options.approximate = !args.exact;
  auto results = (*store)->Search(query, options);
  if (!results.ok()) {
    std::cerr << "chartscan: " << results.status().ToString() << "\n";
    return kExitError;  // a malformed query is bad usage: nothing could be searched
  }
  std::string shown;
  for (const auto& h : results->hits) {
    shown += (shown.empty() ? "" : ",") + std::to_string(h.page_id);
  }
  if (Status a = AuditCommandLine(args.store, "search",
                                  shown.empty() ? "pages:none" : "pages:" + shown, query);
      !a.ok()) {
    std::cerr << "chartscan: the audit log cannot be written, so nothing is shown: " << a.ToString()
              << "\n";
    return kExitError;
  }
  const std::vector<HitGroup> groups = GroupHits(results->hits);
  if (args.json) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : results->hits) {
      hits.push_back(
          {{"page_id", h.page_id},
           {"source", h.source_path},
           {"source_page", h.source_page},
           {"document_id", h.document_id ? nlohmann::json(h.document_id) : nlohmann::json()},
           {"document_page", h.document_page},
           {"doc_type", h.doc_type},
           {"date_of_service", h.date_of_service},
           {"chart_id", h.chart_id ? nlohmann::json(h.chart_id) : nlohmann::json()},
           {"mrn", h.mrn},
           {"patient_name", h.patient_name},
           {"snippet", h.snippet},
           {"score", h.score},
           {"approximate", h.approximate}});
    }
    nlohmann::json json_groups = nlohmann::json::array();
    for (const HitGroup& g : groups) {
      nlohmann::json docs = nlohmann::json::array();
      for (const auto& d : g.documents) {
        nlohmann::json pages = nlohmann::json::array();
        for (const indexer::SearchHit* h : d.hits) pages.push_back(h->page_id);
        docs.push_back(
            {{"document_id",
              d.hits[0]->document_id ? nlohmann::json(d.hits[0]->document_id) : nlohmann::json()},
             {"doc_type", d.hits[0]->doc_type},
             {"date_of_service", d.hits[0]->date_of_service},
             {"page_ids", pages}});
      }
      json_groups.push_back(
          {{"chart_id", g.chart_id ? nlohmann::json(g.chart_id) : nlohmann::json()},
           {"mrn", g.mrn},
           {"patient_name", g.patient_name},
           {"documents", docs}});
    }
    nlohmann::json out = {{"query", query},
                          {"total", results->total},
                          {"exact_total", results->exact_total},
                          {"total_capped", results->total_capped},
                          {"offset", args.offset},
                          {"approximations", results->approximations},
                          {"hits", hits},
                          {"groups", json_groups}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  if (results->total == 0) {
    std::cout << "No page matches " << query << "\n";
    return kExitOk;
  }
  std::cout << results->total << (results->total_capped ? "+" : "")
            << (results->total == 1 && !results->total_capped ? " page matches " : " pages match ")
            << query;
  const std::int64_t approximate = results->total - results->exact_total;
  if (approximate > 0) std::cout << " (" << approximate << " approximately, marked ~)";
  if (results->total > static_cast<std::int64_t>(results->hits.size())) {
    std::cout << "; showing " << args.offset + 1 << "-" << args.offset + results->hits.size();
  }
  std::cout << "\n";
  if (results->total_capped) {
    std::cout << "  (ranked among the " << options.max_ranked
              << " most recently stored matches: add a word or a filter to rank them all)\n";
  }
  if (approximate > 0) {
    for (const std::string& a : results->approximations) {
      std::cout << "  also matched: " << a << "\n";
    }
  }
  for (const HitGroup& g : groups) {
    std::cout << "\n";
    if (g.chart_id != 0) {
      std::cout << (g.patient_name.empty() ? "(no name)" : g.patient_name);
      if (!g.mrn.empty()) std::cout << "  MRN " << g.mrn;
      std::cout << "  (chart " << g.chart_id << ")\n";
    } else {
      std::cout << "(no chart)\n";
    }
    for (const auto& d : g.documents) {
      const indexer::SearchHit& first = *d.hits[0];
      std::cout << "  " << (first.doc_type.empty() ? "unassembled pages" : first.doc_type);
      if (!first.date_of_service.empty()) std::cout << "  " << first.date_of_service;
      if (first.document_id != 0) std::cout << "  (document " << first.document_id << ")";
      std::cout << "\n";
      for (const indexer::SearchHit* h : d.hits) {
        std::string snippet = h->snippet;
        for (char& c : snippet) {
          if (c == '\n') c = ' ';
        }
        std::cout << "   " << (h->approximate ? "~" : " ") << " "
                  << (h->document_page > 0 ? "page " + std::to_string(h->document_page) + "  "
                                           : std::string())
                  << h->source_path << " p." << h->source_page << "  (page id " << h->page_id
                  << ")\n        " << snippet << "\n";
      }
    }
  }
  return kExitOk;
}

}  // namespace chartscan::cli
