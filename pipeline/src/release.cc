// Releasing a scope of the store as a package, and checking a package against the store.
//
// Both start from the same plan of the scope (Plan below): its documents by chart, each with the
// pages that will be released, and the scope's other pages with the reason they are left out.
// Release writes the plan; VerifyRelease recomputes it and compares it with the manifest, so the
// two can never disagree on what "the scope" means.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <random>
#include <set>

#include <chartscan/extract/roster.h>
#include <chartscan/pipeline/release.h>

namespace chartscan::pipeline {
namespace {

using release::ReleaseScope;
using release::WithheldPage;

// Pixels of this many pages at most are held at once (a chart is handed to the writer in parts).
constexpr std::size_t kPagesPerPart = 64;

struct PlannedDocument {
  DocumentInfo info;
  std::vector<std::int64_t> pages;  // released, in document order
};

struct Plan {
  std::map<std::int64_t, std::vector<PlannedDocument>> charts;  // by chart id, documents by id
  std::map<std::int64_t, std::string> withheld;                 // page id -> reason
  std::int64_t pages = 0;
};

// What a page of the scope is, for the plan.
struct PageState {
  bool blank = false;
  bool failed = false;  // could not be processed; no image to release
  std::int64_t document_id = 0;
};

PageState StateOf(const StoredPage& p) {
  return {p.blank, !p.error.empty() || p.image_format.empty(), p.document_id};
}

bool InScope(const DocumentInfo& d, const ReleaseScope& scope) {
  switch (scope.kind) {
    case ReleaseScope::Kind::kChart:
      return d.chart_id == scope.chart_id;
    case ReleaseScope::Kind::kBatch:
      return d.batch_id == scope.batch_id;
    case ReleaseScope::Kind::kAll:
      break;
  }
  return true;
}

Result<Plan> MakePlan(const indexer::Store& store, const ReleaseScope& scope) {
  Plan plan;
  std::vector<DocumentInfo> documents;
  if (scope.kind == ReleaseScope::Kind::kChart) {
    CHARTSCAN_RETURN_IF_ERROR(store.GetChart(scope.chart_id).status());
  } else if (scope.kind == ReleaseScope::Kind::kBatch) {
    CHARTSCAN_RETURN_IF_ERROR(store.GetBatch(scope.batch_id).status());
  }
  CHARTSCAN_RETURN_IF_ERROR(store.ForEachDocument([&](const DocumentInfo& d) -> Status {
    if (InScope(d, scope)) documents.push_back(d);
    return Status::Ok();
  }));

  // The state of every page of the scope.
  std::map<std::int64_t, PageState> pages;
  auto note = [&](const StoredPage& p) -> Status {
    pages[p.page_id] = StateOf(p);
    return Status::Ok();
  };
  if (scope.kind == ReleaseScope::Kind::kAll) {
    CHARTSCAN_RETURN_IF_ERROR(store.ForEachPage(note));
  } else if (scope.kind == ReleaseScope::Kind::kBatch) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::SourceInfo> sources,
                               store.BatchSources(scope.batch_id));
    std::vector<std::int64_t> ids;
    for (const indexer::SourceInfo& s : sources) ids.push_back(s.source_id);
    CHARTSCAN_RETURN_IF_ERROR(store.ForEachPageOfSources(ids, [&](const StoredPage& p) {
      return p.batch_id == scope.batch_id ? note(p) : Status::Ok();
    }));
  }
  // Pages of the scope's documents (for a chart, these are the scope's pages).
  for (const DocumentInfo& d : documents) {
    for (std::int64_t id : d.page_ids) {
      if (pages.count(id)) continue;
      CHARTSCAN_ASSIGN_OR_RETURN(StoredPage p, store.GetPage(id));
      pages[id] = StateOf(p);
    }
  }

  std::set<std::int64_t> in_documents;
  for (const DocumentInfo& d : documents) {
    PlannedDocument planned{d, {}};
    for (std::int64_t id : d.page_ids) {
      in_documents.insert(id);
      const PageState& s = pages[id];
      if (s.blank) {
        plan.withheld[id] = "blank";
      } else if (s.failed) {
        plan.withheld[id] = "failed";
      } else {
        planned.pages.push_back(id);
      }
    }
    plan.pages += static_cast<std::int64_t>(planned.pages.size());
    if (!planned.pages.empty()) plan.charts[d.chart_id].push_back(std::move(planned));
  }
  for (const auto& [id, s] : pages) {
    if (in_documents.count(id)) continue;
    if (s.blank) {
      plan.withheld[id] = "blank";
    } else if (s.failed) {
      plan.withheld[id] = "failed";
    } else if (s.document_id == 0) {
      plan.withheld[id] = "unassembled";
    } else {
      plan.withheld[id] = "in a document outside the scope";
    }
  }
  for (auto& [chart, docs] : plan.charts) {
    std::sort(docs.begin(), docs.end(), [](const PlannedDocument& a, const PlannedDocument& b) {
      return a.info.document_id < b.info.document_id;
    });
  }
  return plan;
}

// "MARGARET ANN JOHNSON" with family "JOHNSON" -> given "MARGARET ANN".
std::string GivenFromName(const std::string& name, const std::string& family) {
  if (family.empty() || name.size() <= family.size()) return "";
  if (name.compare(name.size() - family.size(), family.size(), family) != 0) return "";
  std::string given = name.substr(0, name.size() - family.size());
  while (!given.empty() && given.back() == ' ') given.pop_back();
  return given;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Result<release::ReleaseChart> ChartHeader(
    const indexer::Store& store, std::int64_t chart_id,
    const std::map<std::int64_t, indexer::PatientRecord>& patients,
    const std::vector<PlannedDocument>& documents) {
  release::ReleaseChart chart;
  if (chart_id != 0) {
    CHARTSCAN_ASSIGN_OR_RETURN(chart.chart, store.GetChart(chart_id));
  }
  if (auto p = patients.find(chart.chart.patient_id); p != patients.end()) {
    chart.family_name = p->second.family_name;
    chart.given_name = p->second.given_name;
    chart.sex = p->second.sex;
  } else if (chart_id != 0) {
    for (const PlannedDocument& d : documents) {
      for (const Field& f : d.info.fields) {
        if (f.name == "patient_family_name" && chart.family_name.empty()) {
          chart.family_name = Upper(f.normalized.empty() ? f.value : f.normalized);
        }
      }
    }
    chart.given_name = GivenFromName(Upper(chart.chart.patient_name), chart.family_name);
    if (chart.given_name.empty()) chart.family_name.clear();  // only a consistent pair
  }
  return chart;
}

// The document with its pages' images and words. When a page's image cannot be read, `unreadable`
// says why and the document is not to be released.
Result<release::ReleaseDocument> LoadDocument(
    const indexer::Store& store, const PlannedDocument& d,
    const std::map<std::int64_t, std::int64_t>& batch_times, std::string* unreadable) {
  release::ReleaseDocument doc;
  doc.document_id = d.info.document_id;
  doc.batch_id = d.info.batch_id;
  doc.type = d.info.type;
  doc.date_of_service = d.info.date_of_service;
  doc.fields = d.info.fields;
  if (auto t = batch_times.find(d.info.batch_id); t != batch_times.end()) {
    doc.stored_micros = t->second;
  }
  for (std::int64_t id : d.pages) {
    CHARTSCAN_ASSIGN_OR_RETURN(StoredPage p, store.GetPage(id));
    release::ReleasePage page;
    page.page_id = id;
    Result<PageImage> image = store.ReadPageImage(id);
    if (!image.ok()) {
      // The page's image is missing or unreadable in the store (`chartscan check` reports it):
      // the document is not released without it.
      *unreadable = "page " + std::to_string(id) + "'s stored image cannot be read (" +
                    std::string(StatusCodeName(image.status().code())) + ")";
      return doc;
    }
    page.image = std::move(*image);
    page.dpi = p.quality.dpi > 0 ? p.quality.dpi : 300;
    page.words = std::move(p.text.words);
    doc.pages.push_back(std::move(page));
  }
  return doc;
}

std::string Hex8(std::uint32_t v) {
  char out[9];
  std::snprintf(out, sizeof out, "%08x", v);
  return out;
}

}  // namespace

std::string NewReleaseId(Env* env) {
  const std::time_t seconds = static_cast<std::time_t>(env->NowMicros() / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device random;
  return std::string("R") + stamp + "-" + Hex8(random());
}

std::string ReleaseAuditTarget(const std::string& release_id) { return "release:" + release_id; }

std::string ReleaseAuditDetail(const release::Manifest& m, const std::string& manifest_sha256) {
  std::string formats;
  for (release::Format f : m.formats) {
    if (!formats.empty()) formats += ",";
    formats += release::FormatName(f);
  }
  return "scope=" + m.scope.Describe() + " formats=" + formats +
         " documents=" + std::to_string(m.documents.size()) +
         " pages=" + std::to_string(m.pages()) + " withheld=" + std::to_string(m.withheld.size()) +
         " manifest_sha256=" + manifest_sha256;
}

Result<std::int64_t> FindChartByMrn(const indexer::Store& store, std::string_view mrn) {
  const std::string wanted = extract::NormalizeRosterMrn(mrn);
  if (wanted.empty()) return Status::InvalidArgument("the MRN given holds no letter or digit");
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<ChartInfo> charts, store.Charts());
  for (const ChartInfo& c : charts) {
    if (!c.mrn.empty() && extract::NormalizeRosterMrn(c.mrn) == wanted) return c.chart_id;
  }
  return Status::NotFound("no chart has that MRN");
}

Result<ReleaseSummary> Release(const indexer::Store& store, Env* env, const ReleaseRequest& request,
                               const RecordRelease& record, const ReleaseProgress& progress) {
  const auto start = std::chrono::steady_clock::now();
  CHARTSCAN_ASSIGN_OR_RETURN(Plan plan, MakePlan(store, request.scope));
  CHARTSCAN_ASSIGN_OR_RETURN(
      std::unique_ptr<release::PackageWriter> writer,
      release::PackageWriter::Create(env, request.dir, request.formats, request.options));

  std::map<std::int64_t, std::int64_t> batch_times;
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<BatchInfo> batches, store.Batches());
  for (const BatchInfo& b : batches) batch_times[b.batch_id] = b.started_micros;
  std::map<std::int64_t, indexer::PatientRecord> patients;
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::PatientRecord> roster, store.Patients());
  for (indexer::PatientRecord& p : roster) patients[p.patient_id] = std::move(p);

  ReleaseSummary summary;
  std::int64_t done = 0;
  for (const auto& [chart_id, documents] : plan.charts) {
    CHARTSCAN_ASSIGN_OR_RETURN(release::ReleaseChart part,
                               ChartHeader(store, chart_id, patients, documents));
    ++summary.charts;
    std::size_t part_pages = 0;
    auto flush = [&]() -> Status {
      if (part.documents.empty()) return Status::Ok();
      CHARTSCAN_RETURN_IF_ERROR(writer->AddChart(part));
      done += static_cast<std::int64_t>(part_pages);
      part.documents.clear();
      part_pages = 0;
      if (progress) progress(done);
      return Status::Ok();
    };
    for (const PlannedDocument& d : documents) {
      if (part_pages > 0 && part_pages + d.pages.size() > kPagesPerPart) {
        CHARTSCAN_RETURN_IF_ERROR(flush());
      }
      std::string unreadable;
      CHARTSCAN_ASSIGN_OR_RETURN(release::ReleaseDocument doc,
                                 LoadDocument(store, d, batch_times, &unreadable));
      if (!unreadable.empty()) {
        for (std::int64_t p : d.pages) {
          writer->Withhold(
              p, "document " + std::to_string(d.info.document_id) + " not released: " + unreadable);
        }
        summary.unreleased_documents.push_back(d.info.document_id);
        continue;
      }
      part_pages += doc.pages.size();
      part.documents.push_back(std::move(doc));
    }
    CHARTSCAN_RETURN_IF_ERROR(flush());
  }
  for (const auto& [page, reason] : plan.withheld) writer->Withhold(page, reason);

  const std::string release_id =
      request.release_id.empty() ? NewReleaseId(env) : request.release_id;
  for (std::int64_t d : writer->unreleased_documents()) summary.unreleased_documents.push_back(d);
  std::sort(summary.unreleased_documents.begin(), summary.unreleased_documents.end());
  CHARTSCAN_ASSIGN_OR_RETURN(summary.manifest,
                             writer->Finish(request.scope, release_id, &summary.manifest_sha256));
  if (record) CHARTSCAN_RETURN_IF_ERROR(record(summary.manifest, summary.manifest_sha256));
  CHARTSCAN_RETURN_IF_ERROR(writer->Commit());
  for (const release::ManifestFile& f : summary.manifest.files) summary.bytes += f.size;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

Result<release::PackageCheck> VerifyRelease(const indexer::Store* store, Env* env,
                                            const std::string& dir) {
  CHARTSCAN_ASSIGN_OR_RETURN(release::PackageCheck check, release::VerifyPackage(env, dir));
  if (store == nullptr) return check;
  CHARTSCAN_ASSIGN_OR_RETURN(release::Manifest manifest, release::ReadManifest(env, dir));
  auto problem = [&](std::string p) { check.problems.push_back(std::move(p)); };

  Result<Plan> planned = MakePlan(*store, manifest.scope);
  if (!planned.ok()) {
    problem("the released scope (" + manifest.scope.Describe() +
            ") cannot be read from the store: " + planned.status().ToString());
    return check;
  }
  const Plan& plan = *planned;
  // Documents: the same documents, with the same pages in the same order.
  std::map<std::int64_t, const release::ManifestDocument*> released;
  std::map<std::int64_t, std::int64_t> page_document;
  for (const release::ManifestDocument& d : manifest.documents) {
    released[d.document_id] = &d;
    for (std::int64_t p : d.page_ids) page_document[p] = d.document_id;
  }
  std::set<std::int64_t> expected_documents;
  for (const auto& [chart, documents] : plan.charts) {
    for (const PlannedDocument& d : documents) {
      const std::int64_t id = d.info.document_id;
      expected_documents.insert(id);
      auto it = released.find(id);
      if (it == released.end()) {
        problem("document " + std::to_string(id) + " of the scope is not in the package");
        for (std::int64_t p : d.pages) {
          if (!page_document.count(p)) {
            problem("page " + std::to_string(p) + " of the scope is in no released document");
          }
        }
        continue;
      }
      if (it->second->page_ids != d.pages) {
        problem("document " + std::to_string(id) +
                "'s pages in the package differ from the store's (missing, extra or out of order)");
        for (std::int64_t p : d.pages) {
          if (!page_document.count(p)) {
            problem("page " + std::to_string(p) + " of the scope is in no released document");
          }
        }
      }
      if (it->second->chart_id != chart) {
        problem("document " + std::to_string(id) + " is released in chart " +
                std::to_string(it->second->chart_id) + "; the store files it in chart " +
                std::to_string(chart));
      }
    }
  }
  for (const auto& [id, d] : released) {
    if (!expected_documents.count(id)) {
      problem("document " + std::to_string(id) + " is in the package but not in the scope " +
              manifest.scope.Describe() + " of the store");
    }
  }
  std::map<std::int64_t, std::string> withheld;
  for (const release::WithheldPage& w : manifest.withheld) withheld[w.page_id] = w.reason;
  for (const auto& [page, reason] : plan.withheld) {
    if (page_document.count(page)) continue;  // reported above if wrong
    if (!withheld.count(page)) {
      problem("page " + std::to_string(page) + " of the scope (" + reason +
              ") is neither released nor listed as withheld");
    }
  }

  // The audit log's record of this release.
  std::int64_t after = 0;
  bool found = false;
  const std::string target = ReleaseAuditTarget(manifest.release_id);
  std::string recorded;
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<AuditEvent> events, store->AuditLog(after, 1000));
    if (events.empty()) break;
    for (const AuditEvent& e : events) {
      if (e.action == "release" && e.target == target) {
        found = true;
        recorded = e.detail;
      }
    }
    after = events.back().seq;
  }
  if (!found) {
    problem("the audit log has no record of release " + manifest.release_id);
  } else if (recorded.find("manifest_sha256=" + check.manifest_sha256) == std::string::npos) {
    problem("the manifest differs from the one recorded in the audit log when release " +
            manifest.release_id + " was made");
  }
  return check;
}

}  // namespace chartscan::pipeline
