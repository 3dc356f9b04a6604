#include "page_codec.h"

#include <nlohmann/json.hpp>

namespace chartscan::indexer {
namespace {

using nlohmann::json;

// Non-finite numbers are written as null by nlohmann; read them back as 0.
double Num(const json& j) { return j.is_number() ? j.get<double>() : 0.0; }
int Int(const json& j) { return j.is_number() ? j.get<int>() : 0; }

json BoxJson(const Box& b) { return json::array({b.x, b.y, b.width, b.height}); }

template <typename T, typename Fn>
Result<T> Decode(const std::string& text, std::string_view what, Fn&& fn) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corrupt("stored " + std::string(what) + " are not JSON");
  try {
    return fn(j);
  } catch (const json::exception&) {
    return Status::Corrupt("stored " + std::string(what) + " have an unexpected shape");
  }
}

}  // namespace

std::string EncodeWords(const std::vector<Word>& words) {
  json out = json::array();
  for (const Word& w : words) {
    out.push_back(
        json::array({w.text, w.box.x, w.box.y, w.box.width, w.box.height, w.confidence, w.line}));
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string EncodeLines(const std::vector<TextLine>& lines) {
  json out = json::array();
  for (const TextLine& l : lines) {
    json a = BoxJson(l.box);
    a.push_back(l.block);
    out.push_back(std::move(a));
  }
  return out.dump();
}

std::string EncodeQuality(const PageQuality& q) {
  json out = {{"orientation", q.orientation},
              {"skew", q.skew},
              {"orientation_confidence", q.orientation_confidence},
              {"contrast", q.contrast},
              {"blur", q.blur},
              {"noise", q.noise},
              {"ink_coverage", q.ink_coverage},
              {"background", q.background},
              {"dpi", q.dpi},
              {"source_dpi", q.source_dpi},
              {"binarized", q.binarized},
              {"upsampled", q.upsampled},
              {"ocr_confidence", q.ocr_confidence}};
  return out.dump();
}

std::string EncodeBarcodes(const std::vector<Barcode>& barcodes) {
  json out = json::array();
  for (const Barcode& b : barcodes) {
    out.push_back({{"payload", b.payload},
                   {"symbology", b.symbology},
                   {"bbox", BoxJson(b.box)},
                   {"angle", b.angle},
                   {"kind", BarcodeKindName(b.kind)}});
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<Barcode>> DecodeBarcodes(const std::string& text) {
  return Decode<std::vector<Barcode>>(text, "barcodes", [](const json& j) {
    std::vector<Barcode> out;
    for (const json& o : j) {
      Barcode b;
      b.payload = o.at("payload").get<std::string>();
      b.symbology = o.at("symbology").get<std::string>();
      const json& box = o.at("bbox");
      b.box = {Int(box.at(0)), Int(box.at(1)), Int(box.at(2)), Int(box.at(3))};
      b.angle = Num(o.at("angle"));
      const std::string kind = o.at("kind").get<std::string>();
      for (BarcodeKind k :
           {BarcodeKind::kSeparator, BarcodeKind::kPatch, BarcodeKind::kPatientLabel}) {
        if (kind == BarcodeKindName(k)) b.kind = k;
      }
      out.push_back(std::move(b));
    }
    return out;
  });
}

Result<std::vector<Word>> DecodeWords(const std::string& text) {
  return Decode<std::vector<Word>>(text, "words", [](const json& j) {
    std::vector<Word> words;
    words.reserve(j.size());
    for (const json& a : j) {
      Word w;
      w.text = a.at(0).get<std::string>();
      w.box = {Int(a.at(1)), Int(a.at(2)), Int(a.at(3)), Int(a.at(4))};
      w.confidence = static_cast<float>(Num(a.at(5)));
      w.line = Int(a.at(6));
      words.push_back(std::move(w));
    }
    return words;
  });
}

Result<std::vector<TextLine>> DecodeLines(const std::string& text) {
  return Decode<std::vector<TextLine>>(text, "lines", [](const json& j) {
    std::vector<TextLine> lines;
    lines.reserve(j.size());
    for (const json& a : j) {
      TextLine l;
      l.box = {Int(a.at(0)), Int(a.at(1)), Int(a.at(2)), Int(a.at(3))};
      l.block = Int(a.at(4));
      lines.push_back(l);
    }
    return lines;
  });
}

Result<PageQuality> DecodeQuality(const std::string& text) {
  return Decode<PageQuality>(text, "quality figures", [](const json& j) {
    PageQuality q;
    auto num = [&](const char* key, double& out) {
      if (auto it = j.find(key); it != j.end()) out = Num(*it);
    };
    auto flag = [&](const char* key, bool& out) {
      if (auto it = j.find(key); it != j.end() && it->is_boolean()) out = it->get<bool>();
    };
    if (auto it = j.find("orientation"); it != j.end()) q.orientation = Int(*it);
    num("skew", q.skew);
    num("orientation_confidence", q.orientation_confidence);
    num("contrast", q.contrast);
    num("blur", q.blur);
    num("noise", q.noise);
    num("ink_coverage", q.ink_coverage);
    num("background", q.background);
    num("dpi", q.dpi);
    num("source_dpi", q.source_dpi);
    flag("binarized", q.binarized);
    flag("upsampled", q.upsampled);
    num("ocr_confidence", q.ocr_confidence);
    return q;
  });
}

}  // namespace chartscan::indexer
