// chartscan patients import|list: the facility's roster (master patient index) in the store.
//
// The roster is the `patients` table of the store (one row per MRN; a later import updates a
// patient already there). Assembly matches each chart against it (extract::MatchRoster); an
// import re-matches the charts already stored, so orphans are found without re-ingesting.
// File format: extract/include/chartscan/extract/roster.h.
#include <iostream>

#include <nlohmann/json.hpp>

#include <chartscan/extract/roster.h>
#include <chartscan/pipeline/roster.h>

#include "commands.h"

namespace chartscan::cli {
namespace {

// A roster of real size is a few hundred thousand lines; anything far larger is not a roster.
constexpr std::uint64_t kMaxRosterBytes = 512ull << 20;

}  // namespace

int RunPatientsImport(const PatientsArgs& args) {
  auto bytes = Env::Default()->ReadFile(args.file, kMaxRosterBytes);
  if (!bytes.ok()) {
    // Env's messages name the path; the file is named once either way.
    const std::string why = bytes.status().ToString();
    std::cerr << "chartscan: cannot import patients: "
              << (why.find(args.file) == std::string::npos ? args.file + ": " : "") << why << "\n";
    return kExitSomeFailed;
  }
  extract::RosterParseOptions options;
  options.reference = extract::CivilDateFromMicros(Env::Default()->NowMicros());
  auto parsed = extract::ParseRoster(*bytes, args.file, options);
  if (!parsed.ok()) {
    std::cerr << "chartscan: cannot import patients: " << parsed.status().message() << "\n";
    return kExitSomeFailed;
  }
  if (parsed->empty()) {
    std::cerr << "chartscan: cannot import patients: " << args.file << " holds no patients\n";
    return kExitSomeFailed;
  }
  std::vector<indexer::PatientRecord> records;
  for (const extract::RosterPatient& p : *parsed) {
    records.push_back({0, p.mrn, p.family, p.given, p.dob, p.sex});
  }
  indexer::StoreOptions store_options;
  store_options.dir = ResolveStoreDir(args.store);
  auto store = indexer::Store::Open(store_options);
  if (!store.ok()) {
    std::cerr << "chartscan: cannot open the store: " << store.status().ToString() << "\n";
    return kExitError;
  }
  auto imported = (*store)->ImportPatients(records);
  if (!imported.ok()) {
    std::cerr << "chartscan: cannot store the roster: " << imported.status().ToString() << "\n";
    return kExitError;
  }
  auto rematched = pipeline::RematchCharts(**store);
  if (!rematched.ok()) {
    std::cerr << "chartscan: roster stored, but charts could not be re-matched: "
              << rematched.status().ToString() << "\n";
    return kExitError;
  }
  std::printf("Imported %zu patient%s from %s into %s (%d new, %d updated)\n", records.size(),
              records.size() == 1 ? "" : "s", args.file.c_str(), store_options.dir.c_str(),
              imported->added, imported->updated);
  if (rematched->mrn + rematched->name_dob + rematched->none > 0) {
    std::printf("Charts matched: %d by MRN, %d by name and date of birth, %d orphans\n",
                rematched->mrn, rematched->name_dob, rematched->none);
  }
  if (rematched->merged > 0) {
    std::printf("Charts merged into another chart of the same patient: %d\n", rematched->merged);
  }
  if (rematched->roster_conflicts > 0) {
    std::printf("Values differing from the roster, to verify: %d\n", rematched->roster_conflicts);
  }
  return kExitOk;
}

int RunPatientsList(const PatientsArgs& args) {
  auto store = OpenExistingStore(args.store);
  if (!store.ok()) {
    std::cerr << "chartscan: " << store.status().ToString() << "\n";
    return kExitError;
  }
  auto patients = (*store)->Patients();
  if (!patients.ok()) {
    std::cerr << "chartscan: cannot read the roster: " << patients.status().ToString() << "\n";
    return kExitError;
  }
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const indexer::PatientRecord& p : *patients) {
      list.push_back({{"patient_id", p.patient_id},
                      {"mrn", p.mrn},
                      {"family_name", p.family_name},
                      {"given_name", p.given_name},
                      {"dob", p.dob},
                      {"sex", p.sex}});
    }
    std::cout << nlohmann::json{{"patients", list}}.dump(2) << "\n";
    return kExitOk;
  }
  if (patients->empty()) {
    std::printf("No roster in this store (load one: chartscan patients import FILE.csv)\n");
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"id", "MRN", "name", "DOB", "sex"}};
  for (const indexer::PatientRecord& p : *patients) {
    rows.push_back(
        {std::to_string(p.patient_id), p.mrn, p.family_name + ", " + p.given_name, p.dob, p.sex});
  }
  PrintTable(rows);
  std::printf("%zu patients\n", patients->size());
  return kExitOk;
}

}  // namespace chartscan::cli
