#include <nlohmann/json.hpp>

#include <chartscan/pipeline/export.h>

namespace chartscan::pipeline {
namespace {

nlohmann::json BoxJson(const Box& b) { return {b.x, b.y, b.width, b.height}; }

std::string_view OriginName(TextOrigin o) {
  switch (o) {
    case TextOrigin::kOcr:
      return "ocr";
    case TextOrigin::kTextLayer:
      return "text_layer";
    case TextOrigin::kNone:
      break;
  }
  return "none";
}

nlohmann::json IdOrNull(std::int64_t id) { return id ? nlohmann::json(id) : nlohmann::json(); }

nlohmann::json PageJson(const StoredPage& p, bool words) {
  nlohmann::json fields = nlohmann::json::array();
  for (const Field& f : p.fields) {
    fields.push_back({{"name", f.name},
                      {"value", f.value},
                      {"normalized", f.normalized},
                      {"confidence", f.confidence},
                      {"bbox", BoxJson(f.box)},
                      {"needs_review", f.needs_review}});
  }
  nlohmann::json barcodes = nlohmann::json::array();
  for (const Barcode& b : p.barcodes) {
    barcodes.push_back({{"payload", b.payload},
                        {"symbology", b.symbology},
                        {"bbox", BoxJson(b.box)},
                        {"kind", BarcodeKindName(b.kind)}});
  }
  const PageQuality& q = p.quality;
  nlohmann::json j = {
      {"page_id", p.page_id},
      {"source", p.source_path},
      {"source_page", p.source_page},
      {"document_id", p.document_id ? nlohmann::json(p.document_id) : nlohmann::json()},
      {"blank", p.blank},
      {"orientation", q.orientation},
      {"skew", q.skew},
      {"text", p.text.text},
      {"confidence", p.text.mean_confidence},
      {"doc_type", p.doc_type.empty() ? nlohmann::json() : nlohmann::json(p.doc_type)},
      {"fields", fields},
      {"batch_id", p.batch_id},
      {"source_sha256", p.source_sha256},
      {"text_origin", OriginName(p.text.origin)},
      {"image", {{"format", p.image_format}, {"width", p.image_width}, {"height", p.image_height}}},
      {"quality",
       {{"orientation_confidence", q.orientation_confidence},
        {"contrast", q.contrast},
        {"blur", q.blur},
        {"noise", q.noise},
        {"ink_coverage", q.ink_coverage},
        {"background", q.background},
        {"dpi", q.dpi},
        {"source_dpi", q.source_dpi},
        {"binarized", q.binarized},
        {"upsampled", q.upsampled}}},
  };
  // Set by assembly; null before it ran or for pages in no document.
  j["chart_id"] = IdOrNull(p.chart_id);
  j["document_page"] = p.document_page ? nlohmann::json(p.document_page) : nlohmann::json();
  j["document_type"] =
      p.document_type.name.empty() ? nlohmann::json() : nlohmann::json(p.document_type.name);
  j["document_type_confidence"] =
      p.document_type.name.empty() ? nlohmann::json() : nlohmann::json(p.document_type.confidence);
  j["misfiled"] = p.misfiled;
  j["barcodes"] = barcodes;
  if (!p.error.empty()) j["error"] = p.error;
  if (words) {
    nlohmann::json ws = nlohmann::json::array();
    for (const Word& w : p.text.words) {
      ws.push_back({{"text", w.text},
                    {"bbox", BoxJson(w.box)},
                    {"confidence", w.confidence},
                    {"line", w.line}});
    }
    j["words"] = ws;
  }
  return j;
}

nlohmann::json DocumentJson(const DocumentInfo& d, const ChartInfo* chart) {
  nlohmann::json fields = nlohmann::json::array();
  for (const Field& f : d.fields) {
    const bool on_page = f.page_index >= 0 && f.page_index < static_cast<int>(d.page_ids.size());
    nlohmann::json jf = {
        {"name", f.name},
        {"value", f.value},
        {"normalized", f.normalized},
        {"confidence", f.confidence},
        {"page_id", on_page ? nlohmann::json(d.page_ids[static_cast<std::size_t>(f.page_index)])
                            : nlohmann::json()},
        {"bbox", BoxJson(f.box)},
        {"needs_review", f.needs_review}};
    if (!f.role.empty()) jf["role"] = f.role;
    fields.push_back(std::move(jf));
  }
  nlohmann::json j = {
      {"document_id", d.document_id},
      {"chart_id", IdOrNull(d.chart_id)},
      {"batch_id", IdOrNull(d.batch_id)},
      {"doc_type", d.type.name},
      {"confidence", d.type.confidence},
      {"needs_review", d.needs_review},
      {"date_of_service",
       d.date_of_service.empty() ? nlohmann::json() : nlohmann::json(d.date_of_service)},
      {"boundary", d.boundary},
      {"page_count", d.page_ids.size()},
      {"pages", d.page_ids},
      {"misfiled_pages", d.misfiled_page_ids},
      {"fields", fields},
  };
  if (chart) {
    j["chart"] = {{"mrn", chart->mrn.empty() ? nlohmann::json() : nlohmann::json(chart->mrn)},
                  {"patient_name", chart->patient_name},
                  {"dob", chart->dob}};
  } else {
    j["chart"] = nlohmann::json();
  }
  return j;
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string ExportPageLine(const StoredPage& page, bool words) {
  return Dump(PageJson(page, words));
}

std::string ExportDocumentLine(const DocumentInfo& document, const ChartInfo* chart,
                               const std::vector<StoredPage>* pages) {
  nlohmann::json j = DocumentJson(document, chart);
  if (pages) {
    nlohmann::json texts = nlohmann::json::array();
    for (const StoredPage& p : *pages)
      texts.push_back({{"page_id", p.page_id}, {"text", p.text.text}});
    j["page_text"] = texts;
  }
  return Dump(j);
}

}  // namespace chartscan::pipeline
