// Values typed by a person (a clerk correcting a field in the viewer), normalized as extraction
// normalizes what it reads, so a corrected value is stored, searched and exported in the same form:
// dates to ISO 8601, names to "FIRST LAST", MRNs to letters and digits, an NPI only with a valid
// check digit, codes in canonical form and, when the code list of that system is complete (an
// imported official list), only codes on it. No OCR repair: what is typed is meant.
//
// Errors: kInvalidArgument with a sentence a clerk can act on; kNotFound for a field no rule
// defines. Thread safety: pure.
#pragma once

#include <string>
#include <string_view>

#include <chartscan/extract/codes.h>
#include <chartscan/extract/dates.h>
#include <chartscan/extract/rules.h>
#include <chartscan/models/status.h>

namespace chartscan::extract {

struct TypedValue {
  std::string value;       // as typed, spaces trimmed
  std::string normalized;  // canonical
};

Result<TypedValue> NormalizeTypedValue(std::string_view field, std::string_view typed,
                                       const CodeSet& codes, CivilDate today,
                                       const FieldRules& rules = FieldRules::BuiltIn());

}  // namespace chartscan::extract
