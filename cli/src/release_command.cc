// chartscan release: writes a release package (searchable PDF/A, TIFF, FHIR R4, HL7 v2.5 MDM, CSV
// and a manifest) for one chart, one batch or the whole store; `release verify` checks one.
// README.md ("Release") documents both.
#include <algorithm>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include <chartscan/indexer/store.h>
#include <chartscan/pipeline/release.h>

#include "commands.h"

namespace chartscan::cli {
namespace {

Result<std::vector<release::Format>> ParseFormats(const std::string& list) {
  std::vector<release::Format> out;
  std::stringstream parts(list);
  std::string part;
  while (std::getline(parts, part, ',')) {
    if (part.empty()) continue;
    std::optional<release::Format> f = release::ParseFormat(part);
    if (!f) {
      return Status::InvalidArgument("unknown format '" + part +
                                     "' (formats: pdf, tiff, fhir, hl7, csv)");
    }
    if (std::find(out.begin(), out.end(), *f) == out.end()) out.push_back(*f);
  }
  if (out.empty())
    return Status::InvalidArgument("no format given (formats: pdf, tiff, fhir, hl7, csv)");
  return out;
}

std::string Rate(double pages, double seconds) {
  std::ostringstream s;
  s.precision(3);
  s << (seconds > 0 ? pages / seconds : 0);
  return s.str();
}

}  // namespace

int RunRelease(const ReleaseArgs& args) {
  const int scopes =
      (args.all ? 1 : 0) + (args.chart_mrn.empty() ? 0 : 1) + (args.batch_id ? 1 : 0);
  if (scopes != 1) {
    std::cerr << "chartscan release: give exactly one of --chart MRN, --batch ID or --all\n";
    return kExitError;
  }
  if (args.to.empty()) {
    std::cerr << "chartscan release: give the package folder with --to DIR\n";
    return kExitError;
  }
  Result<std::vector<release::Format>> formats = ParseFormats(args.formats);
  if (!formats.ok()) {
    std::cerr << "chartscan release: " << formats.status().message() << "\n";
    return kExitError;
  }
  pipeline::ReleaseRequest request;
  request.dir = args.to;
  request.formats = *formats;
  if (!args.facility.empty()) request.options.facility_name = args.facility;
  if (!args.mrn_system.empty()) request.options.mrn_system = args.mrn_system;
  if (args.jpeg_quality != 0) request.options.jpeg_quality = args.jpeg_quality;
  if (args.bilevel) request.options.bilevel_threshold = release::kBilevelThreshold;
  if (Status s = request.options.Validate(); !s.ok()) {
    std::cerr << "chartscan " << s.message() << "\n";
    return kExitError;
  }

  // Open for writing: the release is recorded in the audit log before its manifest is in place.
  indexer::StoreOptions options;
  options.dir = ResolveStoreDir(args.store);
  if (!Env::Default()->Exists(options.dir + "/chartscan.db")) {
    std::cerr << "chartscan release: no store at " << options.dir
              << " (give --store DIR or set CHARTSCAN_STORE)\n";
    return kExitError;
  }
  Result<std::unique_ptr<indexer::Store>> store = indexer::Store::Open(options);
  if (!store.ok()) {
    std::cerr << "chartscan release: " << store.status().ToString() << "\n";
    return kExitError;
  }
  if (args.all) {
    request.scope.kind = release::ReleaseScope::Kind::kAll;
  } else if (args.batch_id != 0) {
    request.scope.kind = release::ReleaseScope::Kind::kBatch;
    request.scope.batch_id = args.batch_id;
  } else {
    Result<std::int64_t> chart = pipeline::FindChartByMrn(**store, args.chart_mrn);
    if (!chart.ok()) {
      // The MRN typed is not repeated: messages name ids, never patient identifiers.
      std::cerr << "chartscan release: " << chart.status().message()
                << " (chartscan charts lists them)\n";
      return kExitError;
    }
    request.scope.kind = release::ReleaseScope::Kind::kChart;
    request.scope.chart_id = *chart;
  }

  auto record = [&](const release::Manifest& m, const std::string& sha) {
    return AuditCli(**store, "release", pipeline::ReleaseAuditTarget(m.release_id),
                    pipeline::ReleaseAuditDetail(m, sha));
  };
  auto progress = [&](std::int64_t pages) {
    if (!args.quiet && !args.json) std::cerr << "\rreleased " << pages << " pages" << std::flush;
  };
  Result<pipeline::ReleaseSummary> summary =
      pipeline::Release(**store, Env::Default(), request, record, progress);
  if (!args.quiet && !args.json) std::cerr << "\r";
  if (!summary.ok()) {
    std::cerr << "chartscan release: " << summary.status().ToString() << "\n";
    if (summary.status().code() != StatusCode::kAlreadyExists &&
        summary.status().code() != StatusCode::kNotFound) {
      std::cerr << "The package in " << args.to
                << " is incomplete (it has no manifest.json); remove it and release again.\n";
    }
    return kExitError;
  }
  const release::Manifest& m = summary->manifest;
  std::map<std::string, int> withheld;
  for (const release::WithheldPage& w : m.withheld) ++withheld[w.reason];
  if (args.json) {
    nlohmann::ordered_json j;
    j["release_id"] = m.release_id;
    j["scope"] = m.scope.Describe();
    j["dir"] = args.to;
    j["charts"] = summary->charts;
    j["documents"] = m.documents.size();
    j["pages"] = m.pages();
    j["withheld_pages"] = withheld;
    j["files"] = m.files.size() + 1;
    j["bytes"] = summary->bytes;
    j["seconds"] = summary->seconds;
    j["manifest_sha256"] = summary->manifest_sha256;
    j["unreleased_documents"] = summary->unreleased_documents;
    std::cout << j.dump() << "\n";
    return summary->unreleased_documents.empty() ? kExitOk : kExitSomeFailed;
  }
  std::cout << "Released " << m.documents.size() << " documents (" << m.pages() << " pages, "
            << summary->charts << " charts) of " << m.scope.Describe() << " to " << args.to
            << " in " << Rate(summary->seconds, 1) << " s (" << Rate(m.pages(), summary->seconds)
            << " pages/s), " << m.files.size() + 1 << " files, " << summary->bytes / 1024
            << " KB.\n";
  if (!m.withheld.empty()) {
    std::cout << "Pages left out:";
    for (const auto& [reason, n] : withheld) std::cout << " " << n << " " << reason << ";";
    std::cout << " each is listed in manifest.json.\n";
  }
  const bool names_facility = std::find(request.formats.begin(), request.formats.end(),
                                        release::Format::kFhir) != request.formats.end() ||
                              std::find(request.formats.begin(), request.formats.end(),
                                        release::Format::kHl7) != request.formats.end();
  if (args.facility.empty() && names_facility) {
    std::cout << "Note: no --facility was given, so the FHIR Organization and HL7 MSH-4 say \""
              << request.options.facility_name << "\".\n";
  }
  std::cout << "Release " << m.release_id << " is recorded in the audit log.\n"
            << "Check the package with: chartscan release verify " << args.to << "\n";
  if (!summary->unreleased_documents.empty()) {
    std::cout << summary->unreleased_documents.size()
              << " documents were not released because a page's stored image is missing or "
                 "damaged (chartscan check finds them):";
    for (std::int64_t d : summary->unreleased_documents) std::cout << " " << d;
    std::cout << ". Their pages are listed in manifest.json with the reason.\n";
    return kExitSomeFailed;
  }
  return kExitOk;
}

int RunReleaseVerify(const ReleaseArgs& args) {
  if (args.to.empty()) {
    std::cerr << "chartscan release verify: give the package folder\n";
    return kExitError;
  }
  std::unique_ptr<indexer::Store> store;
  if (!args.no_store) {
    Result<std::unique_ptr<indexer::Store>> opened = OpenExistingStore(args.store);
    if (!opened.ok()) {
      std::cerr << "chartscan release verify: " << opened.status().ToString()
                << " (or check the package alone with --no-store)\n";
      return kExitError;
    }
    store = std::move(*opened);
  }
  Result<release::PackageCheck> check =
      pipeline::VerifyRelease(store.get(), Env::Default(), args.to);
  if (!check.ok()) {
    std::cerr << "chartscan release verify: " << check.status().ToString() << "\n";
    return kExitError;
  }
  if (args.json) {
    nlohmann::ordered_json j;
    j["ok"] = check->ok();
    j["files"] = check->files;
    j["documents"] = check->documents;
    j["pages"] = check->pages;
    j["manifest_sha256"] = check->manifest_sha256;
    j["checked_against_store"] = store != nullptr;
    j["problems"] = check->problems;
    std::cout << j.dump() << "\n";
  } else {
    for (const std::string& p : check->problems) std::cout << "problem: " << p << "\n";
    std::cout << (check->ok() ? "OK: " : "FAILED: ") << check->files << " files, "
              << check->documents << " documents, " << check->pages << " pages checked"
              << (store ? " against the package's manifest, the store and the audit log"
                        : " against the package's manifest only")
              << (check->ok() ? "" : "; " + std::to_string(check->problems.size()) + " problems")
              << ".\n";
  }
  return check->ok() ? kExitOk : kExitSomeFailed;
}

}  // namespace chartscan::cli
