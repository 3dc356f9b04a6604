#include "views.h"

#include <cmath>
#include <ctime>
#include <map>

namespace chartscan::viewer {
namespace {

using nlohmann::json;

// Below this mean word confidence a page is listed for rescanning: at 60 a third of the words or
// more are doubtful, which is where the accuracy gates see identity fields start to go missing.
constexpr double kRescanConfidence = 60;

double Rounded(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

void PutBox(json& j, const Box& b) {
  j["x"] = b.x;
  j["y"] = b.y;
  j["w"] = b.width;
  j["h"] = b.height;
}

}  // namespace

std::string IsoTime(std::int64_t micros) {
  if (micros <= 0) return "";
  const std::time_t t = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string FileName(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

json UserJson(const UserRecord& u, std::int64_t now_micros) {
  return {{"name", u.name},
          {"role", RoleName(u.role)},
          {"disabled", u.disabled},
          {"locked", u.locked_until_micros > now_micros},
          {"created", IsoTime(u.created_micros)},
          {"last_login", IsoTime(u.last_login_micros)}};
}

json AuditJson(const AuditEvent& e) {
  return {{"seq", e.seq},       {"at", IsoTime(e.at_micros)}, {"user", e.user},
          {"action", e.action}, {"target", e.target},         {"detail", e.detail},
          {"remote", e.remote}};
}

json ReviewItemJson(const ReviewItem& item) {
  json j = {{"item_id", item.item_id},
            {"kind", ReviewKindName(item.kind)},
            {"document_id", item.document_id},
            {"chart_id", item.chart_id},
            {"page_id", item.page_id},
            {"field", item.field},
            {"value", item.value},
            {"normalized", item.normalized},
            {"confidence", Rounded(item.confidence, 3)},
            {"reason", item.reason},
            {"resolved", item.resolved}};
  if (!item.roster_value.empty()) j["roster_value"] = item.roster_value;
  PutBox(j, item.box);
  if (item.resolved) {
    j["resolution"] = item.resolution;
    j["resolved_by"] = item.resolved_by;
    j["resolved_at"] = IsoTime(item.resolved_micros);
  }
  return j;
}

json FieldJson(const Field& f, std::int64_t page_id) {
  json j = {{"name", f.name},
            {"value", f.value},
            {"normalized", f.normalized},
            {"confidence", Rounded(f.confidence, 3)},
            {"page_id", page_id},
            {"needs_review", f.needs_review}};
  PutBox(j, f.box);
  if (!f.role.empty()) j["role"] = f.role;
  return j;
}

json BatchJson(const BatchInfo& b) {
  return {{"batch_id", b.batch_id},
          {"name", b.name},
          {"kind", BatchKindName(b.kind)},
          {"state", BatchStateName(b.state)},
          {"live", b.live},
          {"stop_reason", b.stop_reason},
          {"started", IsoTime(b.started_micros)},
          {"finished", IsoTime(b.finished_micros)},
          {"pages", b.pages},
          {"done", b.done_pages()},
          {"failed", b.failed_pages()},
          {"blank", b.blank_pages},
          {"flagged", b.flagged_pages},
          {"documents", b.documents},
          {"sources", b.sources},
          {"file_failures", b.file_failures},
          {"lost_sides", b.lost_sides},
          {"declared_sheets", b.declared_sheets},
          {"sheets_captured", b.sheets_captured()},
          {"sheet_mismatch", b.sheet_mismatch()}};
}

json SearchJson(std::string_view query, const SearchResults& results) {
  json hits = json::array();
  // Groups in order of first appearance: chart, then document within it.
  struct DocGroup {
    std::int64_t document_id;
    std::string doc_type, date;
    std::vector<int> hits;
  };
  struct ChartGroup {
    std::int64_t chart_id;
    std::string mrn, name;
    std::vector<DocGroup> documents;
  };
  std::vector<ChartGroup> groups;
  for (std::size_t i = 0; i < results.hits.size(); ++i) {
    const SearchHit& h = results.hits[i];
    hits.push_back({{"page_id", h.page_id},
                    {"document_id", h.document_id},
                    {"document_page", h.document_page},
                    {"document_pages", h.document_pages},
                    {"chart_id", h.chart_id},
                    {"mrn", h.mrn},
                    {"patient_name", h.patient_name},
                    {"doc_type", h.doc_type},
                    {"date_of_service", h.date_of_service},
                    {"source", FileName(h.source_path)},
                    {"source_page", h.source_page},
                    {"snippet", h.snippet},
                    {"score", Rounded(h.score, 3)},
                    {"approximate", h.approximate}});
    ChartGroup* chart = nullptr;
    for (ChartGroup& g : groups) {
      // Pages in no chart are grouped by document alone (chart 0 is "no chart", not one chart).
      if (g.chart_id == h.chart_id) chart = &g;
    }
    if (!chart) {
      groups.push_back({h.chart_id, h.mrn, h.patient_name, {}});
      chart = &groups.back();
    }
    DocGroup* doc = nullptr;
    for (DocGroup& d : chart->documents) {
      if (d.document_id == h.document_id && h.document_id != 0) doc = &d;
    }
    if (!doc) {
      chart->documents.push_back({h.document_id, h.doc_type, h.date_of_service, {}});
      doc = &chart->documents.back();
    }
    doc->hits.push_back(static_cast<int>(i));
  }
  json jgroups = json::array();
  for (const ChartGroup& g : groups) {
    json docs = json::array();
    for (const DocGroup& d : g.documents) {
      docs.push_back({{"document_id", d.document_id},
                      {"doc_type", d.doc_type},
                      {"date_of_service", d.date},
                      {"hits", d.hits}});
    }
    jgroups.push_back(
        {{"chart_id", g.chart_id}, {"mrn", g.mrn}, {"patient_name", g.name}, {"documents", docs}});
  }
  return {{"query", std::string(query)},
          {"total", results.total},
          {"exact_total", results.exact_total},
          {"total_capped", results.total_capped},
          {"approximations", results.approximations},
          {"hits", hits},
          {"groups", jgroups}};
}

json PageJson(const StoredPage& p, const PageNeighbours& around, const std::vector<int>* hits) {
  json words = json::array();
  for (const Word& w : p.text.words) {
    words.push_back({{"text", w.text},
                     {"x", w.box.x},
                     {"y", w.box.y},
                     {"w", w.box.width},
                     {"h", w.box.height},
                     {"conf", std::lround(w.confidence)},
                     {"line", w.line}});
  }
  json fields = json::array();
  for (const Field& f : p.fields) fields.push_back(FieldJson(f, p.page_id));
  const PageQuality& q = p.quality;
  json j = {{"page_id", p.page_id},
            {"batch_id", p.batch_id},
            {"source", FileName(p.source_path)},
            {"source_id", p.source_id},
            {"source_page", p.source_page},
            {"document_id", p.document_id},
            {"document_page", p.document_page},
            {"document_pages", around.document_pages},
            {"chart_id", p.chart_id},
            {"prev_page_id", around.prev},
            {"next_page_id", around.next},
            {"blank", p.blank},
            {"error", p.error},
            {"misfiled", p.misfiled},
            {"doc_type", p.document_type.name.empty() ? p.doc_type : p.document_type.name},
            {"width", p.image_width},
            {"height", p.image_height},
            {"has_original", !p.source_sha256.empty()},
            {"quality",
             {{"orientation", q.orientation},
              {"skew", Rounded(q.skew, 2)},
              {"dpi", Rounded(q.dpi, 0)},
              {"source_dpi", Rounded(q.source_dpi, 0)},
              {"ocr_confidence", Rounded(q.ocr_confidence, 1)},
              {"binarized", q.binarized},
              {"upsampled", q.upsampled},
              {"contrast", Rounded(q.contrast, 2)},
              {"noise", Rounded(q.noise, 1)}}},
            {"text", p.text.text},
            {"words", words},
            {"fields", fields}};
  if (hits) j["hits"] = *hits;
  return j;
}

// The clerk who last decided the document's type, or "".
static std::string TypeVerifier(const DocumentInfo& d) {
  std::string by;
  for (const ReviewRecord& r : d.reviews) {
    if (r.field == "doc_type") by = r.user;
  }
  return by;
}

json DocumentJson(const DocumentInfo& d) {
  json fields = json::array();
  for (std::size_t i = 0; i < d.fields.size(); ++i) {
    const Field& f = d.fields[i];
    const bool on_page = f.page_index >= 0 && f.page_index < static_cast<int>(d.page_ids.size());
    json jf = FieldJson(f, on_page ? d.page_ids[static_cast<std::size_t>(f.page_index)] : 0);
    jf["seq"] = i;
    jf["verified_by"] = "";
    jf["verified_at"] = "";
    for (const ReviewRecord& r : d.reviews) {  // oldest first: the last decision wins
      if (r.field_index == static_cast<int>(i)) {
        jf["verified_by"] = r.user;
        jf["verified_at"] = IsoTime(r.at_micros);
        jf["verification"] = r.action;
      }
    }
    fields.push_back(std::move(jf));
  }
  return {{"document_id", d.document_id},
          {"chart_id", d.chart_id},
          {"batch_id", d.batch_id},
          {"doc_type", d.type.name},
          {"type_confidence", Rounded(d.type.confidence, 3)},
          {"date_of_service", d.date_of_service},
          {"needs_review", d.needs_review},
          {"type_needs_review", d.type.needs_review},
          {"type_verified_by", TypeVerifier(d)},
          {"boundary", d.boundary},
          {"page_ids", d.page_ids},
          {"misfiled_page_ids", d.misfiled_page_ids},
          {"fields", fields}};
}

json ChartJson(const ChartInfo& c, const std::vector<DocumentInfo>& documents) {
  json docs = json::array();
  for (const DocumentInfo& d : documents) {
    docs.push_back({{"document_id", d.document_id},
                    {"doc_type", d.type.name},
                    {"date_of_service", d.date_of_service},
                    {"pages", d.page_ids.size()},
                    {"first_page_id", d.page_ids.empty() ? 0 : d.page_ids.front()},
                    {"needs_review", d.needs_review}});
  }
  return {{"chart_id", c.chart_id},
          {"mrn", c.mrn},
          {"patient_name", c.patient_name},
          {"dob", c.dob},
          {"roster_match", c.roster_match},
          {"pages", c.pages},
          {"documents", docs}};
}

std::vector<std::string> RescanReasons(const StoredPage& p) {
  std::vector<std::string> why;
  if (!p.error.empty()) why.push_back("could not be processed");
  if (!p.blank && p.error.empty() && p.text.origin == TextOrigin::kOcr &&
      p.quality.ocr_confidence < kRescanConfidence) {
    why.push_back("low OCR confidence " + std::to_string(std::lround(p.quality.ocr_confidence)));
  }
  if (p.misfiled) why.push_back("possibly misfiled");
  return why;
}

}  // namespace chartscan::viewer
