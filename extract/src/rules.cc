// Loading field and document-type rules from JSON (nlohmann::json stays inside this file).
#include <nlohmann/json.hpp>

#include <chartscan/extract/classify.h>
#include <chartscan/extract/rules.h>

#include "embedded_data.h"

namespace chartscan::extract {
namespace {

using nlohmann::json;

Status Bad(std::string_view source, const std::string& what) {
  return Status::Corrupt(std::string(source) + ": " + what);
}

std::optional<ValueType> TypeFromName(const std::string& s) {
  static const std::pair<const char*, ValueType> kTypes[] = {
      {"date", ValueType::kDate},
      {"name", ValueType::kName},
      {"identifier", ValueType::kIdentifier},
      {"npi", ValueType::kNpi},
      {"sex", ValueType::kSex},
      {"text", ValueType::kText},
      {"facility", ValueType::kFacility},
      {"icd10", ValueType::kIcd10},
      {"cpt", ValueType::kCpt},
      {"hcpcs", ValueType::kHcpcs},
  };
  for (const auto& [name, type] : kTypes) {
    if (s == name) return type;
  }
  return std::nullopt;
}

Result<json> ParseJson(std::string_view text, std::string_view source) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false,
                       /*ignore_comments=*/true);
  if (j.is_discarded()) return Bad(source, "malformed JSON");
  if (!j.is_object()) return Bad(source, "top level must be an object");
  if (j.contains("version") &&
      (!j["version"].is_number_integer() || j["version"].get<int>() != 1)) {
    return Bad(source, "unsupported version (expected 1)");
  }
  return j;
}

Result<std::vector<std::string>> StringList(const json& j, const char* key, std::string_view source,
                                            const std::string& where) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) return Bad(source, where + ": \"" + key + "\" must be an array");
  for (const json& e : j[key]) {
    if (!e.is_string()) return Bad(source, where + ": \"" + key + "\" entries must be strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace

const FieldRules& FieldRules::BuiltIn() {
  static const FieldRules* rules = [] {
    auto r = Parse(data::kFieldsJson, "built-in fields.json");
    if (!r.ok()) throw std::logic_error(r.status().ToString());
    return new FieldRules(std::move(r).value());
  }();
  return *rules;
}

Result<FieldRules> FieldRules::Parse(std::string_view json_text, std::string_view source) {
  FieldRules rules;
  CHARTSCAN_RETURN_IF_ERROR(rules.Apply(json_text, source, false));
  return rules;
}

Result<FieldRules> FieldRules::Load(const std::string& path, Env& env) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::string text, env.ReadFile(path, 4 << 20));
  return Parse(text, path);
}

Status FieldRules::Extend(std::string_view json_text, std::string_view source) {
  FieldRules copy = *this;  // all or nothing
  CHARTSCAN_RETURN_IF_ERROR(copy.Apply(json_text, source, true));
  *this = std::move(copy);
  return Status::Ok();
}

Status FieldRules::ExtendFromFile(const std::string& path, Env& env) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::string text, env.ReadFile(path, 4 << 20));
  return Extend(text, path);
}

const FieldRule* FieldRules::Find(std::string_view name) const {
  for (const FieldRule& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Status FieldRules::Apply(std::string_view json_text, std::string_view source, bool extend) {
  CHARTSCAN_ASSIGN_OR_RETURN(json j, ParseJson(json_text, source));
  if (!j.contains("fields") || !j["fields"].is_array()) {
    return Bad(source, "\"fields\" must be an array");
  }
  int index = 0;
  for (const json& f : j["fields"]) {
    const std::string where = "fields[" + std::to_string(index++) + "]";
    if (!f.is_object()) return Bad(source, where + " must be an object");
    if (!f.contains("name") || !f["name"].is_string() || f["name"].get<std::string>().empty()) {
      return Bad(source, where + ": missing \"name\"");
    }
    const std::string name = f["name"].get<std::string>();
    FieldRule* rule = nullptr;
    for (FieldRule& existing : fields_) {
      if (existing.name == name) rule = &existing;
    }
    const bool replace = f.value("replace", false);
    if (rule != nullptr && !extend) return Bad(source, where + ": duplicate field " + name);
    if (rule == nullptr || replace) {
      if (!f.contains("type")) return Bad(source, where + ": missing \"type\"");
      if (rule == nullptr) {
        fields_.emplace_back();
        rule = &fields_.back();
      }
      *rule = FieldRule();
      rule->name = name;
    }
    if (f.contains("type")) {
      if (!f["type"].is_string()) return Bad(source, where + ": \"type\" must be a string");
      auto type = TypeFromName(f["type"].get<std::string>());
      if (!type) return Bad(source, where + ": unknown type");
      rule->type = *type;
    }
    for (const char* flag : {"output", "birth_date", "multi"}) {
      if (!f.contains(flag)) continue;
      if (!f[flag].is_boolean()) return Bad(source, where + ": \"" + flag + "\" must be boolean");
      bool v = f[flag].get<bool>();
      if (std::string_view(flag) == "output") rule->output = v;
      if (std::string_view(flag) == "birth_date") rule->birth_date = v;
      if (std::string_view(flag) == "multi") rule->multi = v;
    }
    if (f.contains("labels")) {
      if (!f["labels"].is_array()) return Bad(source, where + ": \"labels\" must be an array");
      for (const json& l : f["labels"]) {
        LabelRule lr;
        if (l.is_string()) {
          lr.text = l.get<std::string>();
        } else if (l.is_object() && l.contains("text") && l["text"].is_string()) {
          lr.text = l["text"].get<std::string>();
          if (l.contains("role")) {
            if (!l["role"].is_string()) return Bad(source, where + ": label role must be a string");
            lr.role = l["role"].get<std::string>();
          }
        } else {
          return Bad(source, where + ": a label must be a string or {\"text\": ...}");
        }
        if (lr.text.empty()) return Bad(source, where + ": empty label");
        rule->labels.push_back(std::move(lr));
      }
    }
    CHARTSCAN_ASSIGN_OR_RETURN(auto keywords, StringList(f, "keywords", source, where));
    rule->keywords.insert(rule->keywords.end(), keywords.begin(), keywords.end());
    CHARTSCAN_ASSIGN_OR_RETURN(auto removed, StringList(f, "remove_labels", source, where));
    for (const std::string& r : removed) {
      std::erase_if(rule->labels, [&](const LabelRule& l) { return l.text == r; });
    }
  }
  return Status::Ok();
}

const DocTypeRules& DocTypeRules::BuiltIn() {
  static const DocTypeRules* rules = [] {
    auto r = Parse(data::kDocTypesJson, "built-in doctypes.json");
    if (!r.ok()) throw std::logic_error(r.status().ToString());
    return new DocTypeRules(std::move(r).value());
  }();
  return *rules;
}

Result<DocTypeRules> DocTypeRules::Parse(std::string_view json_text, std::string_view source) {
  CHARTSCAN_ASSIGN_OR_RETURN(json j, ParseJson(json_text, source));
  if (!j.contains("types") || !j["types"].is_array()) {
    return Bad(source, "\"types\" must be an array");
  }
  DocTypeRules rules;
  int index = 0;
  for (const json& t : j["types"]) {
    const std::string where = "types[" + std::to_string(index++) + "]";
    if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) {
      return Bad(source, where + ": missing \"name\"");
    }
    DocTypeRule r;
    r.name = t["name"].get<std::string>();
    CHARTSCAN_ASSIGN_OR_RETURN(r.titles, StringList(t, "titles", source, where));
    if (t.contains("keywords")) {
      if (!t["keywords"].is_object())
        return Bad(source, where + ": \"keywords\" must be an object");
      for (const auto& [phrase, weight] : t["keywords"].items()) {
        if (!weight.is_number()) return Bad(source, where + ": keyword weights must be numbers");
        r.keywords.emplace_back(phrase, weight.get<double>());
      }
    }
    if (t.contains("layout")) {
      const json& l = t["layout"];
      if (!l.is_object()) return Bad(source, where + ": \"layout\" must be an object");
      if (l.contains("numeric_lines")) {
        if (!l["numeric_lines"].is_number()) return Bad(source, where + ": numeric_lines");
        r.numeric_lines = l["numeric_lines"].get<double>();
      }
    }
    rules.types_.push_back(std::move(r));
  }
  return rules;
}

Result<DocTypeRules> DocTypeRules::Load(const std::string& path, Env& env) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::string text, env.ReadFile(path, 4 << 20));
  return Parse(text, path);
}

}  // namespace chartscan::extract
