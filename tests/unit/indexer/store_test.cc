#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chartscan/indexer/store.h>

#include "test_store.h"

namespace chartscan::indexer {
namespace {

namespace fs = std::filesystem;
using testing::AddSource;
using testing::OpenStore;
using testing::TempDir;
using testing::TextPage;

std::vector<std::string> Tree(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    out.push_back(fs::relative(it->path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<StoredPage> AllPages(const Store& store) {
  std::vector<StoredPage> pages;
  Status s = store.ForEachPage([&](const StoredPage& p) {
    pages.push_back(p);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return pages;
}

TEST(StoreOptions, ValidateRejectsEmptyDirAndNegativeTimeout) {
  StoreOptions o;
  EXPECT_TRUE(o.Validate().ok());
  o.dir = "";
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o.dir = "x";
  o.busy_timeout_ms = -1;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Store::Open(o).status().code(), StatusCode::kInvalidArgument);
}

TEST(Store, Sha256HexIsLowercaseDigest) {
  EXPECT_EQ(Store::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Store::Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Store, SourceStateNames) {
  EXPECT_EQ(SourceStateName(SourceState::kPending), "pending");
  EXPECT_EQ(SourceStateName(SourceState::kComplete), "complete");
  EXPECT_EQ(SourceStateName(SourceState::kFailed), "failed");
}

TEST(Store, OriginalStoredOnceAndReadOnly) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  const std::string bytes = "%PDF-1.4 pretend chart";
  auto sha = store->PutOriginal(bytes);
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  EXPECT_EQ(*sha, Store::Sha256Hex(bytes));
  const std::string path = dir.path() + "/originals/" + sha->substr(0, 2) + "/" + *sha;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
  EXPECT_EQ(st.st_mode & 0777, 0444u);

  auto again = store->PutOriginal(bytes);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *sha);
  struct stat st2 {};
  ASSERT_EQ(::stat(path.c_str(), &st2), 0);
  EXPECT_EQ(st2.st_ino, st.st_ino) << "stored bytes were rewritten";
  EXPECT_EQ(Tree(dir.path() + "/originals").size(), 2u);  // ab/ and ab/<sha>

  auto read = store->ReadOriginal(*sha);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, bytes);
}

TEST(Store, ReadOriginalRejectsBadOrUnknownDigests) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->ReadOriginal("../../etc/passwd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->ReadOriginal(std::string(64, 'A')).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->ReadOriginal(Store::Sha256Hex("never stored")).status().code(),
            StatusCode::kNotFound);
}

TEST(Store, RegisterSourceReturnsExistingSourceWithItsState) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  std::int64_t b1 = store->BeginBatch("first").value();
  auto sha = store->PutOriginal("tiff bytes").value();
  auto first = store->RegisterSource(b1, "/in/a.tif", sha, "tiff", 10, 3);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->state, SourceState::kPending);
  EXPECT_EQ(first->path, "/in/a.tif");
  EXPECT_EQ(first->page_count, 3);
  ASSERT_TRUE(store->CompleteSource(first->source_id).ok());

  std::int64_t b2 = store->BeginBatch("second").value();
  auto second = store->RegisterSource(b2, "/elsewhere/copy.tif", sha, "tiff", 10, 3);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->source_id, first->source_id);
  EXPECT_EQ(second->state, SourceState::kComplete);
  EXPECT_EQ(second->path, "/in/a.tif");  // the path given when first ingested
  EXPECT_EQ(second->sha256, sha);
  EXPECT_EQ(second->kind, "tiff");
  EXPECT_EQ(second->size, 10u);
  // The second batch saw the source even though it did no work on it.
  EXPECT_EQ(store->Stats(b2)->sources, 1);

  ASSERT_TRUE(store->FailSource(first->source_id, Status::Corrupt("page 2: bad strip")).ok());
  auto third = store->RegisterSource(b2, "/in/a.tif", sha, "tiff", 10, 3);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->state, SourceState::kFailed);
  EXPECT_EQ(third->error, "corrupt: page 2: bad strip");
  EXPECT_EQ(store->Stats(std::nullopt)->failed_sources, 1);

  EXPECT_EQ(store->RegisterSource(b2, "/x", "nothex", "png", 1, 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->RegisterSource(12345, "/x", Store::Sha256Hex("x"), "png", 1, 1).status().code(),
            StatusCode::kNotFound);
}

TEST(Store, ReingestDoesNotDuplicatePages) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  std::int64_t batch = store->BeginBatch("b").value();
  std::int64_t source = AddSource(*store, batch, "/in/chart.pdf", "chart", 2);
  auto first = store->PutPage(TextPage(batch, source, 1, "old text about asthma"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(store->PutPage(TextPage(batch, source, 2, "second page")).ok());

  std::int64_t batch2 = store->BeginBatch("again").value();
  PageWrite redo = TextPage(batch2, source, 1, "new text about bronchitis");
  redo.fields.push_back({"mrn", "123", "123", 0.9, 0, {1, 2, 3, 4}, false, ""});
  auto second = store->PutPage(redo);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, *first) << "a re-ingested page keeps its id";
  redo.fields.clear();
  ASSERT_TRUE(store->PutPage(redo).ok());

  auto pages = AllPages(*store);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].text.text, "new text about bronchitis");
  EXPECT_EQ(pages[0].batch_id, batch2);
  EXPECT_TRUE(pages[0].fields.empty()) << "fields are replaced, not appended";
  EXPECT_EQ(store->Search("asthma", {})->total, 0);
  EXPECT_EQ(store->Search("bronchitis", {})->total, 1);
  EXPECT_EQ(store->Search("text", {})->total, 1);
  EXPECT_EQ(*store->StoredPages(source), (std::set<int>{1, 2}));
  EXPECT_EQ(store->Stats(std::nullopt)->pages, 2);
}

TEST(Store, ForEachPageInIngestOrder) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  std::int64_t batch = store->BeginBatch("b").value();
  // Registered as z, a, m: ingest order is registration order, not path or digest order.
  std::int64_t z = AddSource(*store, batch, "/in/z.pdf", "z", 3);
  std::int64_t a = AddSource(*store, batch, "/in/a.pdf", "a", 2);
  std::int64_t m = AddSource(*store, batch, "/in/m.pdf", "m", 1);
  for (auto [source, page] :
       std::vector<std::pair<std::int64_t, int>>{{a, 2}, {z, 3}, {m, 1}, {z, 1}, {a, 1}, {z, 2}}) {
    ASSERT_TRUE(store->PutPage(TextPage(batch, source, page, "p")).ok());
  }
  std::vector<std::pair<std::string, int>> order;
  for (const StoredPage& p : AllPages(*store)) order.emplace_back(p.source_path, p.source_page);
  EXPECT_EQ(order, (std::vector<std::pair<std::string, int>>{{"/in/z.pdf", 1},
                                                             {"/in/z.pdf", 2},
                                                             {"/in/z.pdf", 3},
                                                             {"/in/a.pdf", 1},
                                                             {"/in/a.pdf", 2},
                                                             {"/in/m.pdf", 1}}));

  int calls = 0;
  Status stopped = store->ForEachPage(
      [&](const StoredPage&) { return ++calls == 2 ? Status::Cancelled("enough") : Status::Ok(); });
  EXPECT_EQ(stopped.code(), StatusCode::kCancelled);
  EXPECT_EQ(calls, 2);
}

TEST(Store, ForEachPageCallbackMayReadAndWriteTheStore) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  std::int64_t batch = store->BeginBatch("b").value();
  std::int64_t source = AddSource(*store, batch, "/in/cb.pdf", "cb", 3);
  for (int page = 1; page <= 3; ++page) {
    ASSERT_TRUE(store->PutPage(TextPage(batch, source, page, "before")).ok());
  }
  int seen = 0;
  Status s = store->ForEachPage([&](const StoredPage& p) -> Status {
    ++seen;
    EXPECT_EQ(p.text.text, "before");  // the walk reads one snapshot
    CHARTSCAN_ASSIGN_OR_RETURN(StoredPage again, store->GetPage(p.page_id));
    EXPECT_EQ(again.page_id, p.page_id);
    return store->PutPage(TextPage(batch, source, p.source_page, "after")).status();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(store->Search("after", {})->total, 3);
  EXPECT_EQ(store->Search("before", {})->total, 0);
}

TEST(Store, WordsAndQualityRoundTrip) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  std::int64_t batch = store->BeginBatch("b").value();
  std::int64_t source = AddSource(*store, batch, "/in/q.png", "q");
  std::int64_t doc = store->CreateDocument(batch, source).value();

  PageWrite w;
  w.batch_id = batch;
  w.source_id = source;
  w.source_page = 1;
  w.document_id = doc;
  w.text.words = {{"Name:", {10, 11, 50, 12}, 96.25f, 0},
                  {"Doe,", {70, 11, 40, 12}, 87.3f, 0},
                  {"Jane \"JJ\"", {115, 11, 60, 12}, 0.1f, 0},
                  {"Ünïcødé", {10, 40, 70, 14}, 55.5f, 1}};
  w.text.lines = {{{10, 11, 165, 12}, 0}, {{10, 40, 70, 14}, 3}};
  w.text.text = "Name: Doe, Jane \"JJ\"\nÜnïcødé";
  w.text.mean_confidence = 59.7875;
  w.text.origin = TextOrigin::kTextLayer;
  w.quality = {90,   -1.25, 0.875,  0.6180339887498949, 1.5, 12.0, 0.0731, 233.5, 300.0, 200.0,
               true, true,  59.7875};
  w.doc_type = "lab_report";
  w.fields = {{"mrn", "0048-2913", "00482913", 0.93, 0, {5, 6, 7, 8}, false, ""},
              {"dob", "3/14/56", "1956-03-14", 0.41, 0, {9, 10, 11, 12}, true, ""}};
  w.image_bytes = std::string("\x89PNG\r\n\x1a\n fake image \0 with nul", 30);
  w.image_format = "png";
  w.image_width = 2550;
  w.image_height = 3300;
  auto id = store->PutPage(w);
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  auto p = store->GetPage(*id);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->page_id, *id);
  EXPECT_EQ(p->batch_id, batch);
  EXPECT_EQ(p->source_id, source);
  EXPECT_EQ(p->source_path, "/in/q.png");
  EXPECT_EQ(p->source_sha256, Store::Sha256Hex("original bytes of q"));
  EXPECT_EQ(p->source_page, 1);
  EXPECT_EQ(p->document_id, doc);
  EXPECT_FALSE(p->blank);
  ASSERT_EQ(p->text.words.size(), w.text.words.size());
  for (std::size_t i = 0; i < w.text.words.size(); ++i) {
    EXPECT_EQ(p->text.words[i].text, w.text.words[i].text);
    EXPECT_EQ(p->text.words[i].box, w.text.words[i].box);
    EXPECT_EQ(p->text.words[i].confidence, w.text.words[i].confidence);  // exact
    EXPECT_EQ(p->text.words[i].line, w.text.words[i].line);
  }
  ASSERT_EQ(p->text.lines.size(), 2u);
  EXPECT_EQ(p->text.lines[1].box, w.text.lines[1].box);
  EXPECT_EQ(p->text.lines[1].block, 3);
  EXPECT_EQ(p->text.text, w.text.text);
  EXPECT_EQ(p->text.mean_confidence, w.text.mean_confidence);
  EXPECT_EQ(p->text.origin, TextOrigin::kTextLayer);
  const PageQuality& q = p->quality;
  EXPECT_EQ(q.orientation, 90);
  EXPECT_EQ(q.skew, -1.25);
  EXPECT_EQ(q.orientation_confidence, 0.875);
  EXPECT_EQ(q.contrast, 0.6180339887498949);
  EXPECT_EQ(q.blur, 1.5);
  EXPECT_EQ(q.noise, 12.0);
  EXPECT_EQ(q.ink_coverage, 0.0731);
  EXPECT_EQ(q.background, 233.5);
  EXPECT_EQ(q.dpi, 300.0);
  EXPECT_EQ(q.source_dpi, 200.0);
  EXPECT_TRUE(q.binarized);
  EXPECT_TRUE(q.upsampled);
  EXPECT_EQ(q.ocr_confidence, 59.7875);
  EXPECT_EQ(p->doc_type, "lab_report");
  ASSERT_EQ(p->fields.size(), 2u);
  EXPECT_EQ(p->fields[1].name, "dob");
  EXPECT_EQ(p->fields[1].value, "3/14/56");
  EXPECT_EQ(p->fields[1].normalized, "1956-03-14");
  EXPECT_EQ(p->fields[1].confidence, 0.41);
  EXPECT_EQ(p->fields[1].box, (Box{9, 10, 11, 12}));
  EXPECT_TRUE(p->fields[1].needs_review);
  EXPECT_FALSE(p->fields[0].needs_review);
  EXPECT_EQ(p->image_format, "png");
  EXPECT_EQ(p->image_width, 2550);
  EXPECT_EQ(p->image_height, 3300);

  auto image = store->ReadPageImage(*id);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->bytes, w.image_bytes);
  EXPECT_EQ(image->format, "png");
  EXPECT_EQ(image->width, 2550);
  EXPECT_EQ(image->height, 3300);
  const std::string sha = Store::Sha256Hex(w.image_bytes);
  EXPECT_TRUE(fs::exists(dir.path() + "/images/" + sha.substr(0, 2) + "/" + sha + ".png"));

  // ForEachPage reads the same thing.
  auto all = AllPages(*store);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].fields.size(), 2u);
  EXPECT_EQ(all[0].text.words.size(), 4u);
}

TEST(Store, PageWithoutImageHasNoImage) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  std::int64_t batch = store->BeginBatch("b").value();
  std::int64_t source = AddSource(*store, batch, "/in/f.png", "f");
  PageWrite w = TextPage(batch, source, 1, "");
  w.error = "corrupt: bad data";
  auto id = store->PutPage(w);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(store->ReadPageImage(*id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->GetPage(*id)->error, "corrupt: bad data");
  w.image_bytes = "x";
  w.image_format = "bmp";
  EXPECT_EQ(store->PutPage(w).status().code(), StatusCode::kInvalidArgument);
  w.source_page = 0;
  EXPECT_EQ(store->PutPage(w).status().code(), StatusCode::kInvalidArgument);
}

TEST(Store, AThumbnailIsKeptBesideItsImageWhenGiven) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  std::int64_t batch = store->BeginBatch("b").value();
  std::int64_t source = AddSource(*store, batch, "/in/f.png", "f", 2);
  PageWrite with = TextPage(batch, source, 1, "one");
  with.image_bytes = "png bytes";
  with.image_format = "png";
  with.thumb_bytes = "jpeg thumbnail";
  PageWrite without = TextPage(batch, source, 2, "two");
  without.image_bytes = "other png bytes";
  without.image_format = "png";
  const std::int64_t a = store->PutPage(with).value();
  const std::int64_t b = store->PutPage(without).value();
  auto thumb = store->ReadPageThumb(a);
  ASSERT_TRUE(thumb.ok()) << thumb.status().ToString();
  EXPECT_EQ(thumb->bytes, "jpeg thumbnail");
  EXPECT_EQ(thumb->format, "jpeg");
  EXPECT_EQ(store->ReadPageThumb(b).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->ReadPageThumb(999).status().code(), StatusCode::kNotFound);
}

TEST(Store, MissingRowsAreNotFound) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetPage(42).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->ReadPageImage(42).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->CompleteSource(42).code(), StatusCode::kNotFound);
  EXPECT_EQ(store->FailSource(42, Status::Corrupt("x")).code(), StatusCode::kNotFound);
  EXPECT_EQ(store->FinishBatch(42).code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Stats(42).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->StoredPages(42).status().code(), StatusCode::kNotFound);
  std::int64_t batch = store->BeginBatch("b").value();
  EXPECT_EQ(store->PutPage(TextPage(batch, 42, 1, "x")).status().code(), StatusCode::kNotFound);
}

TEST(Store, DocumentForSourceResumesIntoTheSameDocument) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  std::int64_t batch = store->BeginBatch("b").value();
  std::int64_t source = AddSource(*store, batch, "/in/d.pdf", "d", 3);
  auto doc = store->DocumentForSource(batch, source);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  PageWrite w = TextPage(batch, source, 2, "page two");
  w.document_id = *doc;
  ASSERT_TRUE(store->PutPage(w).ok());
  // After an interruption, the next run finds the document that already holds pages.
  std::int64_t batch2 = store->BeginBatch("resume").value();
  EXPECT_EQ(store->DocumentForSource(batch2, source).value(), *doc);
  std::int64_t other = AddSource(*store, batch2, "/in/e.pdf", "e");
  auto doc2 = store->DocumentForSource(batch2, other);
  ASSERT_TRUE(doc2.ok());
  EXPECT_NE(*doc2, *doc);
  EXPECT_EQ(store->Stats(batch2)->documents, 1);  // the one it created
}

TEST(Store, StatsPerBatchAndOverall) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  std::int64_t b1 = store->BeginBatch("one").value();
  std::int64_t s1 = AddSource(*store, b1, "/in/1.pdf", "1", 3);
  std::int64_t doc = store->CreateDocument(b1, s1).value();
  PageWrite p1 = TextPage(b1, s1, 1, "alpha beta");
  p1.document_id = doc;
  p1.text.mean_confidence = 80;
  PageWrite p2 = TextPage(b1, s1, 2, "gamma");
  p2.document_id = doc;
  p2.text.mean_confidence = 90;
  PageWrite blank = TextPage(b1, s1, 3, "");
  blank.blank = true;
  for (const PageWrite& w : {p1, p2, blank}) ASSERT_TRUE(store->PutPage(w).ok());
  ASSERT_TRUE(store->CompleteSource(s1).ok());
  ASSERT_TRUE(store->FinishBatch(b1).ok());

  std::int64_t b2 = store->BeginBatch("two").value();
  std::int64_t s2 = AddSource(*store, b2, "/in/2.tif", "2", 1);
  PageWrite failed = TextPage(b2, s2, 1, "");
  failed.error = "corrupt: page 1";
  ASSERT_TRUE(store->PutPage(failed).ok());
  ASSERT_TRUE(store->FailSource(s2, Status::Corrupt("page 1")).ok());
  ASSERT_TRUE(store->RecordFailure(b2, "/in/3.bin", "", Status::Unsupported("not an image")).ok());
  ASSERT_TRUE(
      store->RecordFailure(b2, "/in/4.png", Store::Sha256Hex("4"), Status::TooLarge("too big"))
          .ok());

  auto one = store->Stats(b1);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->sources, 1);
  EXPECT_EQ(one->failed_sources, 0);
  EXPECT_EQ(one->failures, 0);
  EXPECT_EQ(one->pages, 3);
  EXPECT_EQ(one->blank_pages, 1);
  EXPECT_EQ(one->failed_pages, 0);
  EXPECT_EQ(one->documents, 1);
  EXPECT_DOUBLE_EQ(one->mean_confidence, 85.0);

  auto two = store->Stats(b2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->sources, 1);
  EXPECT_EQ(two->failed_sources, 1);
  EXPECT_EQ(two->failures, 2);
  EXPECT_EQ(two->pages, 1);
  EXPECT_EQ(two->failed_pages, 1);
  EXPECT_EQ(two->documents, 0);
  EXPECT_EQ(two->mean_confidence, 0);

  auto all = store->Stats(std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->sources, 2);
  EXPECT_EQ(all->failed_sources, 1);
  EXPECT_EQ(all->failures, 2);
  EXPECT_EQ(all->pages, 4);
  EXPECT_EQ(all->blank_pages, 1);
  EXPECT_EQ(all->failed_pages, 1);
  EXPECT_EQ(all->documents, 1);
  EXPECT_DOUBLE_EQ(all->mean_confidence, 85.0);

  auto failures = store->Failures(b2);
  ASSERT_TRUE(failures.ok());
  ASSERT_EQ(failures->size(), 2u);
  EXPECT_EQ((*failures)[0].path, "/in/3.bin");
  EXPECT_EQ((*failures)[0].code, "unsupported");
  EXPECT_EQ((*failures)[0].message, "not an image");
  EXPECT_EQ((*failures)[0].sha256, "");
  EXPECT_EQ((*failures)[0].batch_id, b2);
  EXPECT_GT((*failures)[0].at_micros, 0);
  EXPECT_EQ((*failures)[1].sha256, Store::Sha256Hex("4"));
  EXPECT_TRUE(store->Failures(b1)->empty());
  EXPECT_EQ(store->Failures(std::nullopt)->size(), 2u);
}

TEST(Store, ReopenKeepsEverything) {
  TempDir dir;
  std::int64_t page = 0;
  {
    auto store = OpenStore(dir.path());
    ASSERT_NE(store, nullptr);
    std::int64_t batch = store->BeginBatch("b").value();
    std::int64_t source = AddSource(*store, batch, "/in/r.png", "r");
    page = store->PutPage(TextPage(batch, source, 1, "persistent E11.9")).value();
  }
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetPage(page)->text.text, "persistent E11.9");
  EXPECT_EQ(store->Search("E11.9", {})->total, 1);
}

TEST(Store, ReadOnlyOpenOfMissingStoreCreatesNothing) {
  TempDir dir;
  StoreOptions o;
  o.read_only = true;
  o.dir = dir.Sub("nothing-here");
  auto missing = Store::Open(o);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(o.dir));

  fs::create_directories(o.dir);
  EXPECT_EQ(Store::Open(o).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Tree(o.dir).empty());
}

TEST(Store, ReadOnlyStoreReadsAndRefusesWrites) {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    ASSERT_NE(store, nullptr);
    std::int64_t batch = store->BeginBatch("b").value();
    std::int64_t source = AddSource(*store, batch, "/in/ro.png", "ro");
    ASSERT_TRUE(store->PutPage(TextPage(batch, source, 1, "readable I10")).ok());
  }
  const auto before = Tree(dir.path());
  StoreOptions o;
  o.dir = dir.path();
  o.read_only = true;
  {
    auto store = Store::Open(o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->Search("I10", {})->total, 1);
    EXPECT_EQ((*store)->Stats(std::nullopt)->pages, 1);
    EXPECT_FALSE((*store)->BeginBatch("no").ok());
    EXPECT_FALSE((*store)->PutOriginal("no").ok());
  }
  EXPECT_EQ(Tree(dir.path()), before);
}

TEST(Store, CorruptDatabaseIsReported) {
  TempDir dir;
  { ASSERT_NE(OpenStore(dir.path()), nullptr); }
  {
    std::ofstream out(dir.Sub("chartscan.db"), std::ios::binary | std::ios::trunc);
    for (int i = 0; i < 512; ++i) out << "this is not a database, just garbage bytes. ";
  }
  StoreOptions o;
  o.dir = dir.path();
  auto store = Store::Open(o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorrupt) << store.status().ToString();
  o.read_only = true;
  EXPECT_EQ(Store::Open(o).status().code(), StatusCode::kCorrupt);
}

TEST(Store, NewerSchemaIsRefused) {
  TempDir dir;
  { ASSERT_NE(OpenStore(dir.path()), nullptr); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Sub("chartscan.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  StoreOptions o;
  o.dir = dir.path();
  EXPECT_EQ(Store::Open(o).status().code(), StatusCode::kUnsupported);
  o.read_only = true;
  EXPECT_EQ(Store::Open(o).status().code(), StatusCode::kUnsupported);
}

TEST(Store, WriteLockHeldElsewhereIsBusy) {
  TempDir dir;
  StoreOptions o;
  o.dir = dir.path();
  o.busy_timeout_ms = 50;
  auto store = Store::Open(o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Sub("chartscan.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ((*store)->BeginBatch("blocked").status().code(), StatusCode::kBusy);
  // Reads do not wait for the writer.
  EXPECT_TRUE((*store)->Stats(std::nullopt).ok());
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_TRUE((*store)->BeginBatch("now fine").ok());
}

TEST(Store, FilesGoThroughTheEnv) {
  TempDir dir;
  MemEnv env;
  auto store = OpenStore(dir.path(), &env);
  ASSERT_NE(store, nullptr);
  auto sha = store->PutOriginal("kept in memory");
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  EXPECT_TRUE(env.Exists(dir.path() + "/originals/" + sha->substr(0, 2) + "/" + *sha));
  EXPECT_FALSE(fs::exists(dir.path() + "/originals"));
  EXPECT_EQ(store->ReadOriginal(*sha).value(), "kept in memory");

  std::int64_t batch = store->BeginBatch("b").value();
  auto source = store->RegisterSource(batch, "/in/m.png", *sha, "png", 14, 1);
  ASSERT_TRUE(source.ok());
  PageWrite w = TextPage(batch, source->source_id, 1, "memory");
  w.image_bytes = "jpeg bytes";
  w.image_format = "jpeg";
  auto id = store->PutPage(w);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(store->ReadPageImage(*id)->bytes, "jpeg bytes");
  EXPECT_FALSE(fs::exists(dir.path() + "/images"));
}

}  // namespace
}  // namespace chartscan::indexer
