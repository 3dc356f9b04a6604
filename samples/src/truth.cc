// Reading and writing .truth.json files.
//
// The JSON uses nlohmann::ordered_json so keys come out in the order written here (file, format,
// profile, pages...), which keeps the files readable and makes equal truths byte-identical.
// Parsing is lenient about optional keys (a missing "marks" or "barcodes" is an empty list, a
// missing "separator" false) and strict about the
// ones a gate cannot do without ("file", "pages", "text").
#include <algorithm>
#include <cmath>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <chartscan/samples/truth.h>

namespace chartscan::samples {
namespace {

using Json = nlohmann::ordered_json;

Json BoxToJson(const Box& b) { return Json::array({b.x, b.y, b.width, b.height}); }

Box BoxFromJson(const Json& j) {
  if (!j.is_array() || j.size() != 4) throw std::runtime_error("bbox is not [x, y, w, h]");
  return {j[0].get<int>(), j[1].get<int>(), j[2].get<int>(), j[3].get<int>()};
}

// Skew is generated with two decimals; printing it rounded keeps the files free of
// 0.30000000000000004-style noise.
double Round2(double v) { return std::round(v * 100.0) / 100.0; }

Json PageToJson(const TruthPage& p) {
  Json j;
  j["source_page"] = p.source_page;
  j["blank"] = p.blank;
  j["near_blank"] = p.near_blank;
  j["orientation"] = p.orientation;
  j["skew"] = Round2(p.skew);
  j["dpi_x"] = p.dpi_x;
  j["dpi_y"] = p.dpi_y;
  j["width"] = p.width;
  j["height"] = p.height;
  Json m = Json::array();
  for (double v : p.page_to_image) m.push_back(std::round(v * 1e6) / 1e6);
  j["page_to_image"] = m;
  j["doc_type"] = p.doc_type;
  j["document_index"] = p.document_index;
  j["document_id"] = p.document_id;
  j["document_page"] = p.document_page;
  j["document_pages"] = p.document_pages;
  j["text_layer"] = p.text_layer;
  j["text"] = p.text;
  Json lines = Json::array();
  for (const TruthLine& l : p.lines) {
    lines.push_back(Json{{"text", l.text}, {"bbox", BoxToJson(l.bbox)}, {"block", l.block}});
  }
  j["lines"] = std::move(lines);
  Json fields = Json::array();
  for (const TruthField& f : p.fields) {
    fields.push_back(Json{{"name", f.name},
                          {"value", f.value},
                          {"normalized", f.normalized},
                          {"bbox", BoxToJson(f.bbox)}});
  }
  j["fields"] = std::move(fields);
  if (p.patient) {
    const TruthPatient& pt = *p.patient;
    j["patient"] = Json{{"first", pt.first}, {"middle", pt.middle}, {"last", pt.last},
                        {"sex", pt.sex},     {"dob", pt.dob},       {"mrn", pt.mrn}};
  } else {
    j["patient"] = nullptr;
  }
  Json marks = Json::array();
  for (const TruthMark& mk : p.marks) {
    marks.push_back(Json{{"kind", mk.kind}, {"bbox", BoxToJson(mk.bbox)}});
  }
  j["marks"] = std::move(marks);
  j["separator"] = p.separator;
  Json barcodes = Json::array();
  for (const TruthBarcode& b : p.barcodes) {
    barcodes.push_back(Json{{"payload", b.payload},
                            {"format", b.format},
                            {"kind", b.kind},
                            {"bbox", BoxToJson(b.bbox)}});
  }
  j["barcodes"] = std::move(barcodes);
  return j;
}

template <typename T>
T Get(const Json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

TruthPage PageFromJson(const Json& j) {
  if (!j.is_object()) throw std::runtime_error("page is not an object");
  if (!j.contains("text")) throw std::runtime_error("page without \"text\"");
  TruthPage p;
  p.source_page = Get(j, "source_page", 1);
  p.blank = Get(j, "blank", false);
  p.near_blank = Get(j, "near_blank", false);
  p.orientation = Get(j, "orientation", 0);
  p.skew = Get(j, "skew", 0.0);
  p.dpi_x = Get(j, "dpi_x", 300);
  p.dpi_y = Get(j, "dpi_y", p.dpi_x);
  p.width = Get(j, "width", 0);
  p.height = Get(j, "height", 0);
  if (auto it = j.find("page_to_image"); it != j.end() && it->is_array() && it->size() == 6) {
    for (std::size_t i = 0; i < 6; ++i) p.page_to_image[i] = (*it)[i].get<double>();
  }
  p.doc_type = Get(j, "doc_type", std::string());
  p.document_index = Get(j, "document_index", -1);
  p.document_id = Get(j, "document_id", std::string());
  p.document_page = Get(j, "document_page", 0);
  p.document_pages = Get(j, "document_pages", 0);
  p.text_layer = Get(j, "text_layer", false);
  p.text = j.at("text").get<std::string>();
  if (auto it = j.find("lines"); it != j.end()) {
    for (const Json& l : *it) {
      p.lines.push_back(
          {l.at("text").get<std::string>(), BoxFromJson(l.at("bbox")), Get(l, "block", 0)});
    }
  }
  if (auto it = j.find("fields"); it != j.end()) {
    for (const Json& f : *it) {
      p.fields.push_back({f.at("name").get<std::string>(), f.at("value").get<std::string>(),
                          Get(f, "normalized", std::string()), BoxFromJson(f.at("bbox"))});
    }
  }
  if (auto it = j.find("patient"); it != j.end() && it->is_object()) {
    TruthPatient pt;
    pt.first = Get(*it, "first", std::string());
    pt.middle = Get(*it, "middle", std::string());
    pt.last = Get(*it, "last", std::string());
    pt.sex = Get(*it, "sex", std::string());
    pt.dob = Get(*it, "dob", std::string());
    pt.mrn = Get(*it, "mrn", std::string());
    p.patient = std::move(pt);
  }
  if (auto it = j.find("marks"); it != j.end()) {
    for (const Json& m : *it) {
      p.marks.push_back({m.at("kind").get<std::string>(), BoxFromJson(m.at("bbox"))});
    }
  }
  p.separator = Get(j, "separator", false);
  if (auto it = j.find("barcodes"); it != j.end() && it->is_array()) {
    for (const Json& b : *it) {
      p.barcodes.push_back({b.at("payload").get<std::string>(), Get(b, "format", std::string()),
                            Get(b, "kind", std::string()), BoxFromJson(b.at("bbox"))});
    }
  }
  return p;
}

}  // namespace

const TruthField* TruthPage::FindField(std::string_view name) const {
  for (const TruthField& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string SerializeTruth(const TruthFile& truth) {
  Json j;
  j["version"] = truth.version;
  j["file"] = truth.file;
  j["format"] = truth.format;
  j["variant"] = truth.variant;
  j["profile"] = truth.profile;
  j["seed"] = truth.seed;
  j["text_layer"] = truth.text_layer;
  j["coordinates"] =
      "boxes are [x, y, w, h] pixels of the upright, unskewed page at dpi_x x dpi_y; "
      "page_to_image maps them into the stored image";
  j["skew_convention"] = "positive skew = content rotated clockwise on screen, in degrees";
  Json pages = Json::array();
  for (const TruthPage& p : truth.pages) pages.push_back(PageToJson(p));
  j["pages"] = std::move(pages);
  return j.dump(1) + "\n";
}

Result<TruthFile> ParseTruth(std::string_view json) {
  try {
    Json j = Json::parse(json.begin(), json.end());
    if (!j.is_object()) return Status::Corrupt("truth JSON is not an object");
    TruthFile t;
    t.version = Get(j, "version", 1);
    if (t.version > kTruthVersion) {
      return Status::Unsupported("truth version " + std::to_string(t.version) + " is newer than " +
                                 std::to_string(kTruthVersion));
    }
    if (!j.contains("file") || !j.contains("pages")) {
      return Status::Corrupt("truth JSON lacks \"file\" or \"pages\"");
    }
    t.file = j.at("file").get<std::string>();
    t.format = Get(j, "format", std::string());
    t.variant = Get(j, "variant", std::string());
    t.profile = Get(j, "profile", std::string());
    t.seed = Get(j, "seed", std::uint64_t{0});
    t.text_layer = Get(j, "text_layer", false);
    for (const Json& p : j.at("pages")) t.pages.push_back(PageFromJson(p));
    return t;
  } catch (const std::exception& e) {
    // nlohmann messages quote positions and types, never the document's text.
    return Status::Corrupt(std::string("truth JSON: ") + e.what());
  }
}

Result<TruthFile> LoadTruth(const std::string& path, Env& env) {
  // Truth files are a few hundred KB at most; anything far larger is not one of ours.
  constexpr std::uint64_t kMaxTruthBytes = 64ull << 20;
  Result<std::string> data = env.ReadFile(path, kMaxTruthBytes);
  if (!data.ok()) return data.status();
  Result<TruthFile> t = ParseTruth(*data);
  if (!t.ok()) return t.status().WithContext(path);
  return t;
}

Result<std::vector<std::string>> FindTruthFiles(const std::string& dir, Env& env) {
  std::vector<std::string> out;
  std::vector<std::string> pending = {dir};
  while (!pending.empty()) {
    std::string d = std::move(pending.back());
    pending.pop_back();
    Result<std::vector<FileInfo>> entries = env.ListDir(d);
    if (!entries.ok()) return entries.status();
    for (const FileInfo& e : *entries) {
      if (e.is_directory) {
        pending.push_back(e.path);
      } else if (e.path.size() > kTruthSuffix.size() && e.path.ends_with(kTruthSuffix)) {
        out.push_back(e.path);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string PageFileForTruth(std::string_view truth_path) {
  if (truth_path.ends_with(kTruthSuffix)) truth_path.remove_suffix(kTruthSuffix.size());
  return std::string(truth_path);
}

}  // namespace chartscan::samples
