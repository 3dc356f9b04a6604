#include <cstdlib>
#include <iostream>

#include "commands.h"

namespace chartscan::cli {

std::string ResolveStoreDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("CHARTSCAN_STORE"); env && *env) return env;
  return "chartscan-data";
}

std::optional<WorkStore> OpenWorkStore(const std::string& flag) {
  WorkStore work;
  work.dir = ResolveStoreDir(flag);
  indexer::StoreOptions options;
  options.dir = work.dir;
  auto store = indexer::Store::Open(options);
  if (!store.ok()) {
    std::cerr << "chartscan: cannot open the store: " << store.status().ToString() << "\n";
    return std::nullopt;
  }
  work.store = std::move(store).value();
  // An imported code list adds to the built-in one (and may make a system complete).
  auto imported = LoadStoreCodes(work.dir);
  if (!imported.ok()) {
    std::cerr << "chartscan: the store's code list is unreadable: " << imported.status().ToString()
              << "\n";
    return std::nullopt;
  }
  if (imported->has_value()) {
    work.codes = std::make_unique<extract::CodeSet>();
    work.codes->Merge(extract::CodeSet::BuiltIn());
    work.codes->Merge(**imported);
  }
  return work;
}

}  // namespace chartscan::cli
