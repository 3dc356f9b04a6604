// Small helpers shared by the encoders (fhir.cc, hl7.cc, pdf.cc) and file names: UTC calendar time
// from the stored microseconds, ISO date and NPI checks, the document tag. Private to the stage.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace chartscan::release::internal {

struct UtcTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

// Civil UTC time of microseconds since the epoch (std::chrono's calendar, floored to the second),
// so that no time zone or locale of the machine leaks into a released file.
inline UtcTime UtcFromMicros(std::int64_t micros) {
  using namespace std::chrono;
  const sys_seconds t = floor<seconds>(sys_time<microseconds>(microseconds{micros}));
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  UtcTime u;
  u.year = static_cast<int>(ymd.year());
  u.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  u.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  u.hour = static_cast<int>(hms.hours().count());
  u.minute = static_cast<int>(hms.minutes().count());
  u.second = static_cast<int>(hms.seconds().count());
  return u;
}

inline bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// NPIs are 10 digits whose last is a Luhn check digit over "80840" and the first nine (CMS).
inline bool ValidNpi(std::string_view npi) {
  if (npi.size() != 10 || !AllDigits(npi)) return false;
  const std::string digits = "80840" + std::string(npi);
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

// "YYYY-MM-DD" with a plausible month and day (the form models keep normalized dates in). Other
// text (a partial or unparsed date) is left out of the coded fields rather than written invalid.
inline bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2))) {
    return false;
  }
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// "D000042": the id form every file name of a package uses.
inline std::string DocumentTag(std::int64_t document_id) {
  char id[32];
  std::snprintf(id, sizeof id, "D%06lld", static_cast<long long>(document_id));
  return id;
}

}  // namespace chartscan::release::internal
