// Field rules, kept as data: which fields exist, the labels that announce them and the type of
// value each expects.
//
// The built-in rules are extract/data/fields.json, compiled into the library. A facility may
// extend or override them with its own file in the same format:
//
//   {"version": 1,
//    "fields": [
//      {"name": "mrn", "type": "identifier", "labels": ["MRN", "Med Rec #"]},
//      {"name": "date_of_service", "type": "date",
//       "labels": ["Date of Service", {"text": "Collected", "role": "collected"}]},
//      {"name": "sex", "type": "sex", "output": false, "labels": ["Sex"]}]}
//
// Keys per field: name (required), type (date, name, identifier, npi, sex, text, facility, icd10,
// cpt, hcpcs), labels (strings or {text, role}), output (default true; false marks a label that
// is recognized only so it bounds its neighbours' values), birth_date (dates never in the
// future), multi (several values per document), keywords (facility: words a facility name ends
// with; codes: context words that announce a code). In an extension, a field with a known name
// adds its labels and keywords to the built-in ones and overrides the other keys it sets;
// "replace": true replaces the field; "remove_labels": [...] drops labels.
//
// Thread safety: FieldRules is an immutable value after loading.
// Errors: Parse/Load/Extend return kCorrupt naming the source (file path) and what is wrong,
// never the file's content.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/env.h>
#include <chartscan/models/status.h>

namespace chartscan::extract {

enum class ValueType : std::uint8_t {
  kDate,
  kName,
  kIdentifier,
  kNpi,
  kSex,
  kText,
  kFacility,
  kIcd10,
  kCpt,
  kHcpcs,
};

struct LabelRule {
  std::string text;  // as printed, e.g. "Med Rec #"
  std::string role;  // copied to Field::role
};

struct FieldRule {
  std::string name;
  ValueType type = ValueType::kText;
  std::vector<LabelRule> labels;
  std::vector<std::string> keywords;
  bool output = true;
  bool birth_date = false;
  bool multi = false;
};

class FieldRules {
 public:
  FieldRules() = default;

  // The embedded extract/data/fields.json.
  static const FieldRules& BuiltIn();
  static Result<FieldRules> Parse(std::string_view json, std::string_view source);
  static Result<FieldRules> Load(const std::string& path, Env& env = *Env::Default());

  // Applies a facility's extension (see above) on top of these rules.
  Status Extend(std::string_view json, std::string_view source);
  Status ExtendFromFile(const std::string& path, Env& env = *Env::Default());

  const std::vector<FieldRule>& fields() const { return fields_; }
  const FieldRule* Find(std::string_view name) const;

 private:
  Status Apply(std::string_view json, std::string_view source, bool extend);
  std::vector<FieldRule> fields_;
};

}  // namespace chartscan::extract
