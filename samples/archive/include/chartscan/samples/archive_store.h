// Writing a synthetic archive straight into a chartscan store, as the pipeline would after OCR.
//
// Per batch of ArchiveOptions::pages_per_batch pages: CreateBatch. Per document: RegisterSource
// (path ArchiveDocument::path, the SHA-256 of the document's printed text, kind "pdf"; no original
// file is written: the archive is for search only) and CreateDocument (unless
// WriteOptions::create_documents is false). Pages go to the store in
// PutPages calls of about WriteOptions::pages_per_call pages (whole documents), without images
// and without word boxes (PageText::text, mean_confidence and origin kOcr only) unless
// WriteOptions::decorate adds them; then the documents of that call are assembled (Assemble: one
// chart per patient, reused across calls) and their sources completed. Each batch is finished when
// its last document is written.
//
// Times are measured around each kind of store call, so the cost of generating text and the cost
// of writing it are reported apart.
//
// Thread safety: WriteArchive uses the store from the calling thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <chartscan/indexer/store.h>
#include <chartscan/models/status.h>
#include <chartscan/samples/archive.h>

namespace chartscan::samples::archive {

// Adds to a page's PageWrite what the archive leaves out (word boxes, an image...) before it is
// stored; a non-OK status stops WriteArchive with that status.
using Decorate = std::function<Status(const ArchiveDocument& doc, const ArchivePage& page,
                                      indexer::PageWrite& write)>;

struct WriteOptions {
  int pages_per_call = 1000;     // pages per PutPages call (whole documents; 1..100,000)
  bool complete_sources = true;  // CompleteSource for each document's source once stored
  // CreateDocument for each document before its pages are written (as the pipeline does); when
  // false, pages are written without a document and Assemble creates the documents.
  bool create_documents = true;
  // Called once per page before each PutPages call, from decorate_threads threads at once (each
  // page from one of them; decorate must then be safe to call concurrently). Empty: pages are
  // stored as ToPageWrite makes them.
  Decorate decorate;
  int decorate_threads = 1;  // 1..256

  Status Validate() const;
};

// Seconds spent in each kind of store call, and in the rest (generating the archive).
struct WriteTimes {
  double create_batch = 0;  // CreateBatch and FinishBatch
  double register_source = 0;
  double create_document = 0;
  double put_pages = 0;
  double assemble = 0;
  double complete_source = 0;
  double callback = 0;  // in the caller's on_written
  double decorate = 0;  // wall time in WriteOptions::decorate
  double generate = 0;  // everything else: generating text, errors, fields
  double total = 0;

  double store() const {
    return create_batch + register_source + create_document + put_pages + assemble +
           complete_source;
  }
};

struct WriteResult {
  std::int64_t pages = 0;
  std::int64_t documents = 0;
  std::int64_t text_bytes = 0;  // printed page text
  std::int64_t put_pages_calls = 0;
  std::vector<std::int64_t> batch_ids;  // by batch ordinal
  std::vector<std::int64_t> page_ids;   // by page ordinal
  WriteTimes times;
};

// Called once per document after its pages are stored and assembled, with their page ids.
using OnWritten = std::function<Status(
    const ArchiveDocument& doc, const std::vector<std::int64_t>& page_ids, std::int64_t batch_id)>;

// Writes the whole archive into the store (which should hold no other archive: sources are keyed
// by digest, so a second copy of the same archive would reuse the first one's sources). Stops at
// and returns the first error; what was written stays (each call is its own transaction).
// progress, if set, is called after each PutPages with the pages written so far.
Result<WriteResult> WriteArchive(const Archive& archive, indexer::Store& store,
                                 const WriteOptions& options, const OnWritten& on_written = {},
                                 const std::function<void(std::int64_t)>& progress = {});

// The PageWrite of one archive page (document_id and batch left for the caller).
indexer::PageWrite ToPageWrite(const ArchiveDocument& doc, const ArchivePage& page,
                               std::int64_t source_id);

}  // namespace chartscan::samples::archive
