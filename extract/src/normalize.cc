#include <cctype>

#include <chartscan/extract/identifiers.h>
#include <chartscan/extract/normalize.h>

namespace chartscan::extract {
namespace {

std::string Trimmed(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

Result<TypedValue> Code(const std::string& v, CodeSystem system, const CodeSet& codes,
                        std::string_view what) {
  if (!IsWellFormed(v, system)) {
    return Status::InvalidArgument(v + " is not a well-formed " + std::string(what) + " code");
  }
  std::string canonical = CanonicalCode(v, system);
  if (codes.IsComplete(system) && !codes.Contains(canonical, system)) {
    return Status::InvalidArgument(canonical + " is not on the imported " + std::string(what) +
                                   " code list");
  }
  return TypedValue{v, canonical};
}

}  // namespace

Result<TypedValue> NormalizeTypedValue(std::string_view field, std::string_view typed,
                                       const CodeSet& codes, CivilDate today,
                                       const FieldRules& rules) {
  const FieldRule* rule = rules.Find(field);
  if (!rule) return Status::NotFound("no rule defines the field " + std::string(field));
  const std::string v = Trimmed(typed);
  if (v.empty()) return Status::InvalidArgument("the value is empty");
  switch (rule->type) {
    case ValueType::kDate: {
      DateParseOptions o;
      o.reference = today;
      o.birth_date = rule->birth_date;
      o.allow_ocr_repair = false;
      std::optional<ParsedDate> d = ParseDate(v, o);
      if (!d || d->tokens_used == 0) {
        return Status::InvalidArgument("not a date: write it like 03/14/1952 or 1952-03-14");
      }
      if (rule->birth_date && d->date > today) {
        return Status::InvalidArgument("a date of birth cannot be in the future");
      }
      return TypedValue{v, d->date.Iso()};
    }
    case ValueType::kName: {
      std::optional<ParsedName> n = ParseName(v);
      if (!n) {
        return Status::InvalidArgument(
            "not a name: write the given and family name, like Margaret Johnson or "
            "JOHNSON, MARGARET");
      }
      return TypedValue{v, n->normalized};
    }
    case ValueType::kIdentifier: {
      std::optional<ParsedIdentifier> id = ParseMrn(v);
      if (!id || id->repaired) {
        return Status::InvalidArgument(
            "not a record number: 4 to 20 letters, digits and dashes, at least 4 digits");
      }
      return TypedValue{v, id->normalized};
    }
    case ValueType::kNpi: {
      std::string digits;
      for (char c : v) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
          digits += c;
        } else if (c != ' ' && c != '-') {
          return Status::InvalidArgument("an NPI has ten digits");
        }
      }
      if (digits.size() != 10) return Status::InvalidArgument("an NPI has ten digits");
      if (!IsValidNpi(digits)) {
        return Status::InvalidArgument("the NPI's check digit does not match: a digit is wrong");
      }
      return TypedValue{v, digits};
    }
    case ValueType::kSex: {
      const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
      const std::string up = [&] {
        std::string u;
        for (char ch : v) u += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        return u;
      }();
      if (up == "M" || up == "MALE" || up == "F" || up == "FEMALE" || up == "X" || up == "U" ||
          up == "UNKNOWN") {
        return TypedValue{v, std::string(1, c)};
      }
      return Status::InvalidArgument("sex must be M, F, X or U");
    }
    case ValueType::kIcd10:
      return Code(v, CodeSystem::kIcd10Cm, codes, "ICD-10-CM");
    case ValueType::kCpt: {
      if (IsWellFormedHcpcs(v)) return Code(v, CodeSystem::kHcpcs, codes, "HCPCS");
      return Code(v, CodeSystem::kCpt, codes, "CPT");
    }
    case ValueType::kHcpcs:
      return Code(v, CodeSystem::kHcpcs, codes, "HCPCS");
    case ValueType::kText:
    case ValueType::kFacility:
      return TypedValue{v, v};
  }
  return TypedValue{v, v};
}

}  // namespace chartscan::extract
