// chartscan-archivegen: a synthetic archive of invented chart pages, straight into a store (no
// OCR, no images, no originals), with a query set and its ground truth. See
// chartscan/samples/archive.h for what is generated and archive_queries.h for the queries.
//
//   chartscan-archivegen --store DIR [--pages N] [--patients N] [--seed N] [--words N]
//                        [--error-scale X] [--pages-per-call N] [--queries FILE]
//   chartscan-archivegen --no-store --queries FILE ...   ground truth keyed by page key only
//   --no-create-documents, --no-complete-sources        leave those store calls out (to time them)
//
// Prints the pages, documents and text written, and where the time went: generating text and
// errors against each kind of store call.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <chartscan/indexer/store.h>
#include <chartscan/samples/archive.h>
#include <chartscan/samples/archive_queries.h>
#include <chartscan/samples/archive_store.h>

namespace archive = chartscan::samples::archive;
using chartscan::Status;

namespace {

int Fail(const Status& s) {
  std::cerr << "chartscan-archivegen: " << s.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Builds a synthetic archive of chart pages straight into a chartscan store"};
  archive::ArchiveOptions options;
  std::string store_dir;
  std::string queries_path;
  bool no_store = false;
  double error_scale = 1.0;
  archive::WriteOptions write;
  app.add_option("--store", store_dir, "store folder (created; should hold no other archive)");
  app.add_flag("--no-store", no_store, "only generate (timing generation) and write the queries");
  app.add_option("--pages", options.pages, "pages in the archive")->capture_default_str();
  app.add_option("--patients", options.patients, "patients (0: one per 20 pages)");
  app.add_option("--seed", options.seed, "random seed")->capture_default_str();
  app.add_option("--words", options.words_per_page, "mean words per page")->capture_default_str();
  app.add_option("--error-scale", error_scale, "multiplies every OCR error rate")
      ->capture_default_str();
  app.add_option("--pages-per-call", write.pages_per_call, "pages per PutPages call")
      ->capture_default_str();
  app.add_option("--pages-per-batch", options.pages_per_batch, "pages per batch")
      ->capture_default_str();
  bool no_complete = false;
  bool no_create = false;
  app.add_flag("--no-complete-sources", no_complete, "skip CompleteSource (to time it)");
  app.add_flag("--no-create-documents", no_create,
               "skip CreateDocument: Assemble creates the documents (to time it)");
  app.add_option("--queries", queries_path, "write the query set with ground truth (JSONL)");
  CLI11_PARSE(app, argc, argv);
  write.complete_sources = !no_complete;
  write.create_documents = !no_create;
  if (store_dir.empty() && !no_store)
    return Fail(Status::InvalidArgument("give --store or --no-store"));
  for (double* r : {&options.errors.identifier_confusion, &options.errors.identifier_digit,
                    &options.errors.name, &options.errors.letters, &options.errors.split,
                    &options.errors.merge}) {
    *r *= error_scale;
  }
  if (Status s = options.Validate(); !s.ok()) return Fail(s);

  const archive::Archive arch(options);
  std::vector<archive::ArchiveQuery> queries;
  if (!queries_path.empty()) queries = archive::ChooseQueries(arch, options.seed);
  archive::GroundTruth truth(std::move(queries));
  std::vector<std::string> keys;
  std::int64_t errors = 0;
  std::int64_t error_pages = 0;
  auto observe = [&](const archive::ArchiveDocument& doc) {
    truth.Observe(doc);
    for (const archive::ArchivePage& p : doc.pages) {
      errors += static_cast<std::int64_t>(p.errors.size());
      error_pages += p.errors.empty() ? 0 : 1;
    }
  };

  std::vector<std::int64_t> batch_ids;
  std::vector<std::int64_t> page_ids;
  if (no_store) {
    keys.resize(static_cast<std::size_t>(options.pages));
    std::int64_t pages = 0;
    std::int64_t bytes = 0;
    const auto start = std::chrono::steady_clock::now();
    Status s = arch.ForEachDocument([&](const archive::ArchiveDocument& doc) {
      for (const archive::ArchivePage& p : doc.pages) {
        keys[static_cast<std::size_t>(p.ordinal)] = archive::PageKey(doc, p.page);
        bytes += static_cast<std::int64_t>(p.text.size());
        ++pages;
      }
      observe(doc);
      return Status::Ok();
    });
    if (!s.ok()) return Fail(s);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("generated %lld pages (%lld bytes of text) in %.1f s: %.0f pages/s\n",
                static_cast<long long>(pages), static_cast<long long>(bytes), secs,
                static_cast<double>(pages) / secs);
  } else {
    chartscan::indexer::StoreOptions so;
    so.dir = store_dir;
    auto store = chartscan::indexer::Store::Open(so);
    if (!store.ok()) return Fail(store.status());
    auto written = archive::WriteArchive(
        arch, **store, write,
        [&](const archive::ArchiveDocument& doc, const std::vector<std::int64_t>&, std::int64_t) {
          observe(doc);
          return Status::Ok();
        },
        [&](std::int64_t n) {
          if (n % 50'000 < static_cast<std::int64_t>(write.pages_per_call) || n == options.pages) {
            std::fprintf(stderr, "\r%lld / %lld pages", static_cast<long long>(n),
                         static_cast<long long>(options.pages));
          }
        });
    std::fprintf(stderr, "\n");
    if (!written.ok()) return Fail(written.status());
    const archive::WriteTimes& t = written->times;
    std::printf("wrote %lld pages, %lld documents, %zu batches, %lld bytes of text in %.1f s\n",
                static_cast<long long>(written->pages), static_cast<long long>(written->documents),
                written->batch_ids.size(), static_cast<long long>(written->text_bytes), t.total);
    std::printf("  generating          %8.1f s  %9.0f pages/s\n", t.generate,
                static_cast<double>(written->pages) / t.generate);
    std::printf("  PutPages (%lld calls) %7.1f s  %9.0f pages/s\n",
                static_cast<long long>(written->put_pages_calls), t.put_pages,
                static_cast<double>(written->pages) / t.put_pages);
    std::printf("  RegisterSource      %8.1f s  %9.0f per s\n", t.register_source,
                static_cast<double>(written->documents) / t.register_source);
    std::printf("  CreateDocument      %8.1f s  %9.0f per s\n", t.create_document,
                static_cast<double>(written->documents) / t.create_document);
    std::printf("  Assemble            %8.1f s\n", t.assemble);
    std::printf("  CompleteSource      %8.1f s\n", t.complete_source);
    std::printf("  Create/FinishBatch  %8.1f s\n", t.create_batch);
    std::printf("  ground truth        %8.1f s\n", t.callback);
    batch_ids = written->batch_ids;
    page_ids = std::move(written->page_ids);
  }
  std::printf("OCR errors: %lld on %lld of %lld pages\n", static_cast<long long>(errors),
              static_cast<long long>(error_pages), static_cast<long long>(options.pages));

  std::vector<archive::ArchiveQuery> done = truth.Finish();
  if (!queries_path.empty()) {
    std::ofstream out(queries_path);
    for (const archive::ArchiveQuery& q : done) {
      out << archive::QueryJsonLine(q, batch_ids, no_store ? nullptr : &page_ids,
                                    no_store ? &keys : nullptr)
          << "\n";
    }
    out.close();
    if (!out) return Fail(Status::IoError("could not write " + queries_path));
    std::printf("%zu queries with ground truth in %s\n", done.size(), queries_path.c_str());
  }
  return 0;
}
