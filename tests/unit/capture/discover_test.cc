#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chartscan/capture/source.h>
#include <chartscan/models/env.h>

namespace chartscan::capture {
namespace {

using ::testing::ElementsAre;

const std::string kPngHead = std::string("\x89PNG\r\n\x1a\n", 8) + "rest";

class DiscoverFilesTest : public ::testing::Test {
 protected:
  void Write(const std::string& path, const std::string& data = "x") {
    auto slash = path.rfind('/');
    ASSERT_TRUE(env_.CreateDirs(path.substr(0, slash)).ok());
    ASSERT_TRUE(env_.WriteFileAtomic(path, data).ok());
  }
  std::vector<std::string> Discover(const std::vector<std::string>& paths) {
    problems_.clear();
    return DiscoverFiles(env_, paths, &problems_);
  }
  MemEnv env_;
  std::vector<Status> problems_;
};

TEST_F(DiscoverFilesTest, WalksFoldersRecursivelyInNameOrder) {
  Write("/in/b.png");
  Write("/in/a/2.tif");
  Write("/in/a/1.tif");
  Write("/in/c.pdf");
  Write("/in/a/sub/0.jpg");
  EXPECT_THAT(Discover({"/in"}), ElementsAre("/in/a/1.tif", "/in/a/2.tif", "/in/a/sub/0.jpg",
                                             "/in/b.png", "/in/c.pdf"));
  EXPECT_TRUE(problems_.empty());
}

TEST_F(DiscoverFilesTest, SkipsHiddenAndTemporaryFiles) {
  Write("/in/.hidden.png");
  Write("/in/.cache/inside.png");
  Write("/in/upload.tif.part");
  Write("/in/scan.TMP");
  Write("/in/~lock.pdf");
  Write("/in/kept.png");
  EXPECT_THAT(Discover({"/in"}), ElementsAre("/in/kept.png"));
}

TEST_F(DiscoverFilesTest, MatchesKnownExtensionsCaseInsensitively) {
  for (const char* name : {"a.PNG", "b.Jpg", "c.JPEG", "d.TIF", "e.tiff", "f.Pdf", "g.pnm", "h.PBM",
                           "i.pgm", "j.ppm", "k.bmp", "l.WebP"}) {
    Write(std::string("/in/") + name);
  }
  Write("/in/notes.txt", "plain text");
  Write("/in/archive.zip", "PK\x03\x04");
  EXPECT_EQ(Discover({"/in"}).size(), 12u);
}

TEST_F(DiscoverFilesTest, TakesFilesWithoutKnownExtensionWhenMagicBytesMatch) {
  Write("/in/0001", kPngHead);
  Write("/in/fax.001", std::string("II*\0\x08\0\0\0", 8) + std::string(8, '\0'));
  Write("/in/readme", "invented readme text");
  EXPECT_THAT(Discover({"/in"}), ElementsAre("/in/0001", "/in/fax.001"));
}

TEST_F(DiscoverFilesTest, AlwaysReturnsFilesNamedExplicitly) {
  Write("/in/notes.txt", "plain text");
  Write("/in/.hidden.png");
  Write("/in/copy.tmp");
  EXPECT_THAT(Discover({"/in/notes.txt", "/in/.hidden.png", "/in/copy.tmp"}),
              ElementsAre("/in/notes.txt", "/in/.hidden.png", "/in/copy.tmp"));
}

TEST_F(DiscoverFilesTest, KeepsTheOrderOfNamedPathsAndReturnsEachOnce) {
  Write("/in/z.png");
  Write("/in/a.png");
  EXPECT_THAT(Discover({"/in/z.png", "/in", "/in/a.png"}), ElementsAre("/in/z.png", "/in/a.png"));
}

TEST_F(DiscoverFilesTest, ReportsMissingPathsAndGoesOn) {
  Write("/in/a.png");
  auto files = Discover({"/nowhere", "/in"});
  EXPECT_THAT(files, ElementsAre("/in/a.png"));
  ASSERT_EQ(problems_.size(), 1u);
  EXPECT_EQ(problems_[0].code(), StatusCode::kNotFound);
  EXPECT_NE(problems_[0].message().find("/nowhere"), std::string::npos);
}

TEST_F(DiscoverFilesTest, AcceptsNullProblems) {
  Write("/in/a.png");
  EXPECT_THAT(DiscoverFiles(env_, {"/missing", "/in"}, nullptr), ElementsAre("/in/a.png"));
}

TEST(DiscoverFiles, StopsAtSymlinkLoopsOnARealFilesystem) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("chartscan-discover-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "in");
  std::ofstream(root / "in" / "page.png") << "x";
  fs::create_directory_symlink(root / "in", root / "in" / "loop");
  std::vector<Status> problems;
  auto files = DiscoverFiles(*Env::Default(), {(root / "in").string()}, &problems);
  fs::remove_all(root);
  EXPECT_FALSE(files.empty());
  EXPECT_LE(files.size(), 40u);
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].message().find("nested"), std::string::npos);
}

}  // namespace
}  // namespace chartscan::capture
