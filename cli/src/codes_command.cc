// chartscan codes import|list: the code list a store validates ICD-10-CM, CPT and HCPCS codes
// against.
//
// An imported list is kept in <store>/codes.csv (extract::CodeSet::Save) and merged with earlier
// imports (a later import's entries win). Ingest validates with the built-in starter list plus
// that file; a system imported complete (the CMS order file, or a CSV with --complete) then
// rejects codes missing from it.
#include <iostream>

#include <nlohmann/json.hpp>

#include <chartscan/extract/codes.h>

#include "commands.h"

namespace chartscan::cli {
namespace {

constexpr extract::CodeSystem kSystems[] = {extract::CodeSystem::kIcd10Cm,
                                            extract::CodeSystem::kCpt, extract::CodeSystem::kHcpcs};

}  // namespace

Result<std::optional<extract::CodeSet>> LoadStoreCodes(const std::string& dir) {
  if (!Env::Default()->Exists(dir + "/" + std::string(kCodesFile))) {
    return std::optional<extract::CodeSet>();
  }
  CHARTSCAN_ASSIGN_OR_RETURN(extract::CodeSet set, extract::CodeSet::Load(dir));
  return std::optional<extract::CodeSet>(std::move(set));
}

int RunCodesImport(const CodesArgs& args) {
  const std::string dir = ResolveStoreDir(args.store);
  extract::CodeSet imported;
  if (Status s = imported.ImportFile(args.file); !s.ok()) {
    std::cerr << "chartscan: cannot import codes: " << s.ToString() << "\n";
    return kExitSomeFailed;
  }
  if (imported.size() == 0) {
    std::cerr << "chartscan: cannot import codes: " << args.file << " holds no codes\n";
    return kExitSomeFailed;
  }
  if (args.complete) {
    for (extract::CodeSystem sys : kSystems) {
      if (imported.Count(sys) > 0) imported.SetComplete(sys, true);
    }
  }
  auto existing = LoadStoreCodes(dir);
  if (!existing.ok()) {
    std::cerr << "chartscan: the store's code list is unreadable: " << existing.status().ToString()
              << "\n";
    return kExitError;
  }
  extract::CodeSet merged = existing->has_value() ? std::move(**existing) : extract::CodeSet();
  merged.Merge(imported);
  if (Status s = merged.Save(dir); !s.ok()) {
    std::cerr << "chartscan: cannot save the code list: " << s.ToString() << "\n";
    return kExitError;
  }
  std::printf("Imported %zu codes from %s into %s/%s\n", imported.size(), args.file.c_str(),
              dir.c_str(), std::string(kCodesFile).c_str());
  for (extract::CodeSystem sys : kSystems) {
    if (imported.Count(sys) == 0) continue;
    std::printf(
        "  %-8s %zu%s\n", std::string(extract::CodeSystemName(sys)).c_str(), imported.Count(sys),
        merged.IsComplete(sys) ? " (complete: codes missing from the list are invalid)" : "");
  }
  return kExitOk;
}

int RunCodesList(const CodesArgs& args) {
  const std::string dir = ResolveStoreDir(args.store);
  auto loaded = LoadStoreCodes(dir);
  if (!loaded.ok()) {
    std::cerr << "chartscan: the store's code list is unreadable: " << loaded.status().ToString()
              << "\n";
    return kExitError;
  }
  const extract::CodeSet& builtin = extract::CodeSet::BuiltIn();
  const extract::CodeSet empty;
  const extract::CodeSet& imported = loaded->has_value() ? **loaded : empty;
  if (args.json) {
    nlohmann::json systems = nlohmann::json::array();
    for (extract::CodeSystem sys : kSystems) {
      systems.push_back({{"system", std::string(extract::CodeSystemName(sys))},
                         {"built_in", builtin.Count(sys)},
                         {"imported", imported.Count(sys)},
                         {"complete", imported.IsComplete(sys)}});
    }
    std::cout << nlohmann::json{{"store", dir}, {"systems", systems}}.dump(2) << "\n";
    return kExitOk;
  }
  std::printf("Code lists for %s%s\n", dir.c_str(),
              loaded->has_value() ? "" : " (nothing imported: built-in starter list only)");
  std::printf("  %-8s %10s %10s  %s\n", "system", "built-in", "imported", "validation");
  for (extract::CodeSystem sys : kSystems) {
    std::printf("  %-8s %10zu %10zu  %s\n", std::string(extract::CodeSystemName(sys)).c_str(),
                builtin.Count(sys), imported.Count(sys),
                imported.IsComplete(sys) ? "complete list: unknown codes are invalid"
                                         : "structure; known codes score higher");
  }
  return kExitOk;
}

}  // namespace chartscan::cli
