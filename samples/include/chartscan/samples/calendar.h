// Civil dates for the sample generators: a plain year-month-day, converted to and from a day
// count (days since 1970-01-01) with Howard Hinnant's civil calendar algorithms, so adding days
// and drawing a day between two dates need no time zone and give the same result everywhere.
#pragma once

#include <cstdio>
#include <string>

namespace chartscan::samples {

inline long DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Date {
  int year = 2000;
  int month = 1;
  int day = 1;

  long Days() const { return DaysFromCivil(year, month, day); }
  Date AddDays(long days) const;
  std::string Iso() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
  }
  friend bool operator==(const Date&, const Date&) = default;
};

inline Date CivilFromDays(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}

inline Date Date::AddDays(long days) const { return CivilFromDays(Days() + days); }

}  // namespace chartscan::samples
