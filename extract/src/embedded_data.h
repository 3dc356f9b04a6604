// Data files compiled into the library (see extract/cmake/embed_file.cmake): the binary needs no
// install path to find its code list and rules.
#pragma once

#include <string_view>

namespace chartscan::extract::data {

extern const std::string_view kCodesCsv;      // extract/data/codes.csv
extern const std::string_view kFieldsJson;    // extract/data/fields.json
extern const std::string_view kDocTypesJson;  // extract/data/doctypes.json

}  // namespace chartscan::extract::data
