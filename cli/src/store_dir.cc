#include <cstdlib>

#include "commands.h"

namespace chartscan::cli {

std::string ResolveStoreDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("CHARTSCAN_STORE"); env && *env) return env;
  return "chartscan-data";
}

}  // namespace chartscan::cli
