#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include <chartscan/models/env.h>

namespace chartscan {
namespace {

namespace fs = std::filesystem;

class EnvContract : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      env_ = Env::Default();
      root_ =
          (fs::temp_directory_path() / ("chartscan-env-" + std::to_string(::getpid()))).string();
      fs::remove_all(root_);
    } else {
      mem_ = std::make_unique<MemEnv>();
      env_ = mem_.get();
      root_ = "/mem";
    }
    ASSERT_TRUE(env_->CreateDirs(root_ + "/a/b").ok());
  }
  void TearDown() override {
    if (GetParam()) fs::remove_all(root_);
  }
  std::unique_ptr<MemEnv> mem_;
  Env* env_ = nullptr;
  std::string root_;
};

TEST_P(EnvContract, WriteThenReadBack) {
  ASSERT_TRUE(env_->WriteFileAtomic(root_ + "/a/f.txt", "hello").ok());
  auto r = env_->ReadFile(root_ + "/a/f.txt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "hello");
  ASSERT_TRUE(env_->WriteFileAtomic(root_ + "/a/f.txt", "again").ok());
  EXPECT_EQ(*env_->ReadFile(root_ + "/a/f.txt"), "again");
}

TEST_P(EnvContract, MissingFileIsNotFound) {
  auto r = env_->ReadFile(root_ + "/nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope"), std::string::npos);
}

TEST_P(EnvContract, ReadRefusesFilesOverLimit) {
  ASSERT_TRUE(env_->WriteFileAtomic(root_ + "/big", std::string(100, 'x')).ok());
  auto r = env_->ReadFile(root_ + "/big", 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTooLarge);
}

TEST_P(EnvContract, ListsChildrenSortedWithKinds) {
  ASSERT_TRUE(env_->WriteFileAtomic(root_ + "/a/z.png", "1").ok());
  ASSERT_TRUE(env_->WriteFileAtomic(root_ + "/a/c.png", "22").ok());
  auto r = env_->ListDir(root_ + "/a");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].path, root_ + "/a/b");
  EXPECT_TRUE((*r)[0].is_directory);
  EXPECT_EQ((*r)[1].path, root_ + "/a/c.png");
  EXPECT_EQ((*r)[1].size, 2u);
}

TEST_P(EnvContract, RenameMovesFile) {
  ASSERT_TRUE(env_->WriteFileAtomic(root_ + "/a/x", "1").ok());
  ASSERT_TRUE(env_->Rename(root_ + "/a/x", root_ + "/a/b/y").ok());
  EXPECT_FALSE(env_->Exists(root_ + "/a/x"));
  EXPECT_EQ(*env_->ReadFile(root_ + "/a/b/y"), "1");
  ASSERT_TRUE(env_->Remove(root_ + "/a/b/y").ok());
  EXPECT_FALSE(env_->Exists(root_ + "/a/b/y"));
}

INSTANTIATE_TEST_SUITE_P(PosixAndMemory, EnvContract, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "Posix" : "Memory"; });

TEST(MemEnv, ClockIsSetByHand) {
  MemEnv env;
  env.SetNowMicros(1000);
  env.AdvanceMicros(5);
  EXPECT_EQ(env.NowMicros(), 1005);
}

}  // namespace
}  // namespace chartscan
