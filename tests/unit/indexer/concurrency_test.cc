#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <chartscan/indexer/store.h>

#include "test_store.h"

namespace chartscan::indexer {
namespace {

using testing::AddSource;
using testing::OpenStore;
using testing::TempDir;
using testing::TextPage;

TEST(Store, ConcurrentWritersAndReaders) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  std::int64_t batch = store->BeginBatch("threads").value();
  constexpr int kWriters = 4;
  constexpr int kPagesEach = 40;
  std::vector<std::int64_t> sources;
  for (int w = 0; w < kWriters; ++w) {
    sources.push_back(AddSource(*store, batch, "/in/w" + std::to_string(w) + ".pdf",
                                std::to_string(w), kPagesEach));
  }

  std::atomic<bool> writing{true};
  std::atomic<int> write_errors{0};
  std::atomic<int> read_errors{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int p = 1; p <= kPagesEach; ++p) {
        PageWrite page = TextPage(batch, sources[static_cast<std::size_t>(w)], p,
                                  "progress note E11.9 writer" + std::to_string(w));
        page.image_bytes = "image " + std::to_string(w) + "/" + std::to_string(p);
        page.image_format = "png";
        if (!store->PutPage(page).ok()) ++write_errors;
        if (p % 10 == 0 && !store->PutPage(page).ok()) ++write_errors;  // re-ingest mid-run
      }
    });
  }
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      std::int64_t last_total = 0;
      while (writing) {
        auto found = store->Search("E11.9", {});
        if (!found.ok() || found->total < last_total) {
          ++read_errors;
        } else {
          last_total = found->total;
        }
        if (!store->Stats(batch).ok()) ++read_errors;
        ++reads;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  writing = false;
  for (std::thread& t : readers) t.join();

  EXPECT_EQ(write_errors, 0);
  EXPECT_EQ(read_errors, 0);
  EXPECT_GT(reads, 0);
  auto total = store->Search("E11.9", {});
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(total->total, kWriters * kPagesEach);
  EXPECT_EQ(store->Search("writer2", {})->total, kPagesEach);
  EXPECT_EQ(store->Stats(std::nullopt)->pages, kWriters * kPagesEach);
}

TEST(Store, ManyStoresOnOneFolderShareIt) {
  TempDir dir;
  auto a = OpenStore(dir.path());
  auto b = OpenStore(dir.path());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::int64_t batch = a->BeginBatch("a").value();
  std::int64_t source = AddSource(*a, batch, "/in/s.png", "s");
  ASSERT_TRUE(a->PutPage(TextPage(batch, source, 1, "shared hypertension")).ok());
  EXPECT_EQ(b->Search("hypertension", {})->total, 1);  // visible once PutPage returned
}

}  // namespace
}  // namespace chartscan::indexer
