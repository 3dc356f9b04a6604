// chartscan export --format jsonl: one JSON object per page, in ingest order.
//
// The keys below are a contract other tools read; add keys freely, never rename or remove one.
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include <chartscan/indexer/store.h>

#include "commands.h"

namespace chartscan::cli {

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

nlohmann::json PageJson(const indexer::StoredPage& p, bool words) {
  nlohmann::json fields = nlohmann::json::array();
  for (const Field& f : p.fields) {
    fields.push_back({{"name", f.name},
                      {"value", f.value},
                      {"normalized", f.normalized},
                      {"confidence", f.confidence},
                      {"bbox", BoxJson(f.box)},
                      {"needs_review", f.needs_review}});
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

}  // namespace

int RunExport(const ExportArgs& args) {
  auto store = OpenExistingStore(args.store);
  if (!store.ok()) {
    std::cerr << "chartscan: " << store.status().ToString() << "\n";
    return kExitError;
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::out | std::ios::trunc);
    if (!file) {
      std::cerr << "chartscan: cannot write " << args.output << "\n";
      return kExitError;
    }
    out = &file;
  }
  Status s = (*store)->ForEachPage([&](const indexer::StoredPage& p) -> Status {
    *out << PageJson(p, args.words).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
         << '\n';
    if (!*out) return Status::IoError("writing the export failed");
    return Status::Ok();
  });
  out->flush();
  if (!s.ok()) {
    std::cerr << "chartscan: export failed: " << s.ToString() << "\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace chartscan::cli
