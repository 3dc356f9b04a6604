// chartscan search: pages matching a query, with snippets.
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
  auto results = (*store)->Search(query, options);
  if (!results.ok()) {
    std::cerr << "chartscan: " << results.status().ToString() << "\n";
    return kExitError;  // a malformed query is bad usage: nothing could be searched
  }
  if (args.json) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : results->hits) {
      hits.push_back(
          {{"page_id", h.page_id},
           {"source", h.source_path},
           {"source_page", h.source_page},
           {"document_id", h.document_id ? nlohmann::json(h.document_id) : nlohmann::json()},
           {"snippet", h.snippet},
           {"score", h.score}});
    }
    nlohmann::json out = {
        {"query", query}, {"total", results->total}, {"offset", args.offset}, {"hits", hits}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  if (results->total == 0) {
    std::cout << "No page matches " << query << "\n";
    return kExitOk;
  }
  std::cout << results->total << (results->total == 1 ? " page matches " : " pages match ")
            << query;
  if (results->total > static_cast<std::int64_t>(results->hits.size())) {
    std::cout << " (showing " << args.offset + 1 << "-" << args.offset + results->hits.size()
              << ")";
  }
  std::cout << "\n";
  for (const auto& h : results->hits) {
    std::string snippet = h.snippet;
    for (char& c : snippet) {
      if (c == '\n') c = ' ';
    }
    std::cout << "  " << h.source_path << "  page " << h.source_page << "  (page id " << h.page_id
              << ")\n      " << snippet << "\n";
  }
  return kExitOk;
}

}  // namespace chartscan::cli
