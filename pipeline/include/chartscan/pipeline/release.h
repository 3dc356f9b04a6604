// Releasing from the store: reads the documents of a scope (one chart, one batch, everything) with
// their pages, images and words, and writes them as a release package (release/package.h); and
// checks a package against the store it came from.
//
// What is released: every assembled document of the scope, with its non-blank pages in document
// order. A document with a page whose stored image is missing or damaged is not released (it is
// listed in ReleaseSummary::unreleased_documents, its pages withheld with the reason); the rest
// of the scope is. The pages of the scope that are not released are listed in the manifest with the
// reason (blank; failed: it could not be processed and has no image; unassembled: in no document).
// A document whose pages are all blank or failed is not released. Corrections made by clerks are
// the values released (they are the document's stored values).
//
// Thread safety: the store is only read; one release per call. Errors are values: kNotFound for
// an unknown chart or batch, kAlreadyExists for a target that holds files, the store's and the
// encoders' errors (naming ids and files, never patient data).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/indexer/store.h>
#include <chartscan/models/env.h>
#include <chartscan/release/package.h>
#include <chartscan/release/release.h>

namespace chartscan::pipeline {

struct ReleaseRequest {
  std::string dir;  // the package folder: new, or empty
  release::ReleaseScope scope;
  std::vector<release::Format> formats;  // non-empty
  release::ReleaseOptions options;
  std::string release_id;  // empty: a new one (UTC time and 32 random bits)
};

struct ReleaseSummary {
  release::Manifest manifest;
  std::string manifest_sha256;
  std::int64_t charts = 0;
  std::uint64_t bytes = 0;  // all files written
  double seconds = 0;
  // Documents of the scope not released because a page's stored image is missing or damaged
  // (their pages are withheld with the reason; `release verify` reports them). Release them again
  // once the pages are rescanned or the store repaired.
  std::vector<std::int64_t> unreleased_documents;
};

// Records a finished package (the caller's audit log) before it is committed: the manifest is put
// in place only when this returns OK, so an unrecorded release is left incomplete.
using RecordRelease =
    std::function<Status(const release::Manifest& manifest, const std::string& manifest_sha256)>;
// Called after each chart part with the pages written so far; may be empty.
using ReleaseProgress = std::function<void(std::int64_t pages_done)>;

[[nodiscard]] Result<ReleaseSummary> Release(const indexer::Store& store, Env* env,
                                             const ReleaseRequest& request,
                                             const RecordRelease& record,
                                             const ReleaseProgress& progress = {});

// The chart of an MRN as a user types it (normalized as the roster is): kNotFound when no chart
// has it.
[[nodiscard]] Result<std::int64_t> FindChartByMrn(const indexer::Store& store,
                                                  std::string_view mrn);

// A new release id: "R" + UTC time (YYYYMMDDTHHMMSSZ) + "-" + 8 random hex digits.
std::string NewReleaseId(Env* env);

// The audit log's record of a release (action "release", target "release:<id>"), and how
// VerifyRelease finds it again.
std::string ReleaseAuditTarget(const std::string& release_id);
std::string ReleaseAuditDetail(const release::Manifest& manifest,
                               const std::string& manifest_sha256);

// release::VerifyPackage, then, with a store: the scope's pages against the package (every
// non-blank page of the scope that has an image is in exactly one released document, the
// documents' pages in the store's order, every other page of the scope listed as withheld, no
// page from outside the scope), and the manifest against the audit log's record of the release
// (the same SHA-256). Problems are in the result; an error means the check could not run.
[[nodiscard]] Result<release::PackageCheck> VerifyRelease(const indexer::Store* store, Env* env,
                                                          const std::string& dir);

}  // namespace chartscan::pipeline
