// JSON views of the store's records, as viewer/API.md documents them. Pure functions of their
// inputs; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <chartscan/models/records.h>

namespace chartscan::viewer {

// "2026-12-02T08:15:00Z"; empty for 0.
std::string IsoTime(std::int64_t micros);
// The file name of a path as given at ingest ("in/chart-0001.pdf" -> "chart-0001.pdf"): the viewer
// never shows where on the workstation a file was.
std::string FileName(const std::string& path);

nlohmann::json UserJson(const UserRecord& u, std::int64_t now_micros);
nlohmann::json AuditJson(const AuditEvent& e);
nlohmann::json ReviewItemJson(const ReviewItem& item);
nlohmann::json FieldJson(const Field& f, std::int64_t page_id);
nlohmann::json BatchJson(const BatchInfo& b);

// The search answer: hits of this slice and their grouping by chart, then document.
nlohmann::json SearchJson(std::string_view query, const SearchResults& results);

struct PageNeighbours {
  std::int64_t prev = 0;
  std::int64_t next = 0;
  int document_pages = 0;
};
nlohmann::json PageJson(const StoredPage& p, const PageNeighbours& around,
                        const std::vector<int>* hits);

nlohmann::json DocumentJson(const DocumentInfo& d);
nlohmann::json ChartJson(const ChartInfo& c, const std::vector<DocumentInfo>& documents);

// Why a page should be looked at again, for the batch screen; empty when it is fine.
std::vector<std::string> RescanReasons(const StoredPage& p);

}  // namespace chartscan::viewer
