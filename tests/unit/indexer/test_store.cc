#include "test_store.h"

#include <atomic>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace chartscan::indexer::testing {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "_" + info->name() : "store";
  path_ = (std::filesystem::path(::testing::TempDir()) /
           ("chartscan_indexer_" + name + "_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++)))
              .string();
  std::filesystem::remove_all(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::unique_ptr<Store> OpenStore(const std::string& dir, Env* env) {
  StoreOptions options;
  options.dir = dir;
  auto store = Store::Open(options, env);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

PageWrite TextPage(std::int64_t batch, std::int64_t source, int page, const std::string& text) {
  PageWrite w;
  w.batch_id = batch;
  w.source_id = source;
  w.source_page = page;
  std::istringstream in(text);
  std::string token;
  int x = 10;
  while (in >> token) {
    Word word;
    word.text = token;
    word.box = {x, 20, 8 * static_cast<int>(token.size()), 12};
    word.confidence = 90.5f;
    word.line = 0;
    x += word.box.width + 6;
    w.text.words.push_back(word);
  }
  if (!w.text.words.empty()) w.text.lines.push_back({{10, 20, x - 16, 12}, 0});
  w.text.text = text;
  w.text.origin = TextOrigin::kOcr;
  w.text.mean_confidence = w.text.words.empty() ? 0 : 90.5;
  w.quality.ocr_confidence = w.text.mean_confidence;
  return w;
}

std::int64_t AddSource(Store& store, std::int64_t batch, const std::string& path,
                       const std::string& seed, int pages) {
  auto sha = store.PutOriginal("original bytes of " + seed);
  EXPECT_TRUE(sha.ok()) << sha.status().ToString();
  auto info = store.RegisterSource(batch, path, sha.value_or(std::string()), "png",
                                   seed.size() + 18, pages);
  EXPECT_TRUE(info.ok()) << info.status().ToString();
  return info.ok() ? info->source_id : 0;
}

}  // namespace chartscan::indexer::testing
