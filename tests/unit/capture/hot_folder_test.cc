// HotFolder: readiness rules on MemEnv with a hand-set clock (deterministic), then inotify, Wake
// and cancel on a real temporary folder. Real-folder tests assert only generous time bounds: the
// machine is shared.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chartscan/capture/hot_folder.h>
#include <chartscan/models/env.h>
#include <chartscan/models/status.h>

namespace chartscan::capture {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using SteadyClock = std::chrono::steady_clock;

// --- MemEnv, hand-set clock

class HotFolderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_.CreateDirs("/in").ok()); }

  void Write(const std::string& path, const std::string& data = "scan") {
    ASSERT_TRUE(env_.WriteFileAtomic(path, data).ok()) << path;
  }
  std::string Read(const std::string& path) {
    Env& env = env_;
    return env.ReadFile(path).value_or("");
  }
  void AdvanceMs(std::int64_t ms) { env_.AdvanceMicros(ms * 1000); }

  static HotFolderOptions Options() {
    HotFolderOptions options;
    options.dir = "/in";
    return options;  // settle 2000 ms, closed settle 500 ms
  }
  std::unique_ptr<HotFolder> OpenFolder(const HotFolderOptions& options = Options()) {
    auto folder = HotFolder::Open(options, &env_);
    EXPECT_TRUE(folder.ok()) << folder.status().ToString();
    return folder.ok() ? std::move(folder).value() : nullptr;
  }
  static std::vector<std::string> Poll(HotFolder& folder) {
    auto ready = folder.Poll();
    EXPECT_TRUE(ready.ok()) << ready.status().ToString();
    return ready.ok() ? std::move(ready).value() : std::vector<std::string>{};
  }

  MemEnv env_;
};

TEST_F(HotFolderTest, IgnoresPartialFiles) {
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  Write("/in/scan.pdf", "page1");
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(1500);
  Write("/in/scan.pdf", "page1page2");  // still growing
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(1500);
  Write("/in/scan.pdf", "page1page2page3");
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(1500);
  Write("/in/scan.pdf", "page1page2page4");  // same size, new mtime: still being written
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(1999);
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(1);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/scan.pdf"));
}

TEST_F(HotFolderTest, IgnoresTemporaryNames) {
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  for (const char* name :
       {".hidden.pdf", "a.tmp", "b.pdf.part", "c.PARTIAL", "d.crdownload", "e.filepart", ".f.swp",
        "~lock.pdf", "g.pdf~", "h.pdf.error.txt", "i.TMP"}) {
    Write(std::string("/in/") + name);
  }
  Write("/in/kept.pdf");
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(60'000);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/kept.pdf"));
  AdvanceMs(60'000);
  EXPECT_THAT(Poll(*folder), IsEmpty());
}

TEST_F(HotFolderTest, TakesAFileRenamedFromTemporaryName) {
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  // Written under a temporary name that settled long ago, then renamed: the final name inherits
  // the settled history.
  Write("/in/scan.pdf.part", "complete scan");
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(3000);
  EXPECT_THAT(Poll(*folder), IsEmpty());
  ASSERT_TRUE(env_.Rename("/in/scan.pdf.part", "/in/scan.pdf").ok());
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/scan.pdf"));

  // Renamed right after the last write: the rename says "done", so the shorter settle applies.
  Write("/in/next.pdf.part", "another scan");
  EXPECT_THAT(Poll(*folder), IsEmpty());
  ASSERT_TRUE(env_.Rename("/in/next.pdf.part", "/in/next.pdf").ok());
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(499);
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(1);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/next.pdf"));
  AdvanceMs(10'000);
  EXPECT_THAT(Poll(*folder), IsEmpty());
}

TEST_F(HotFolderTest, ReturnsEachFileOnce) {
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  Write("/in/a.pdf");
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(2000);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/a.pdf"));
  EXPECT_THAT(Poll(*folder), IsEmpty());
  Write("/in/b.pdf");
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(10'000);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/b.pdf"));
  AdvanceMs(10'000);
  EXPECT_THAT(Poll(*folder), IsEmpty());
}

TEST_F(HotFolderTest, ReturnsAgainAfterForget) {
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  Write("/in/a.pdf");
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(2000);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/a.pdf"));
  folder->Forget("/in/a.pdf");
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/a.pdf"));
  EXPECT_THAT(Poll(*folder), IsEmpty());
}

TEST_F(HotFolderTest, ReturnsAgainAfterRestart) {
  Write("/in/a.pdf");
  AdvanceMs(2000);
  {
    auto folder = OpenFolder();
    ASSERT_NE(folder, nullptr);
    EXPECT_THAT(Poll(*folder), ElementsAre("/in/a.pdf"));
  }  // "crash" before the file was moved
  auto restarted = OpenFolder();
  ASSERT_NE(restarted, nullptr);
  EXPECT_THAT(Poll(*restarted), ElementsAre("/in/a.pdf"));
}

TEST_F(HotFolderTest, FilesPresentAtStartAreReadyWhenOld) {
  Write("/in/old.pdf");
  AdvanceMs(2500);
  Write("/in/fresh.pdf");
  AdvanceMs(100);
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/old.pdf"));
  AdvanceMs(1999);
  EXPECT_THAT(Poll(*folder), IsEmpty());  // timed from when we first saw it, not from its mtime
  AdvanceMs(1);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/fresh.pdf"));
}

TEST_F(HotFolderTest, AFileFirstSeenByALaterScanSettlesFromThen) {
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  // Arrived between scans with an old mtime (moved in from elsewhere, or a file server whose clock
  // is behind): only files present at Open are trusted by their mtime.
  Write("/in/a.pdf");
  AdvanceMs(5000);
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(2000);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/a.pdf"));
}

TEST_F(HotFolderTest, EmptyFileWaits) {
  Write("/in/old-empty.pdf", "");
  AdvanceMs(3'600'000);
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  EXPECT_THAT(Poll(*folder), IsEmpty());  // even an old empty file waits the full settle
  Write("/in/created.pdf", "");
  AdvanceMs(1500);
  Write("/in/created.pdf", "filled by the printer");
  AdvanceMs(500);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/old-empty.pdf"));
  AdvanceMs(1999);
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(1);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/created.pdf"));
}

TEST_F(HotFolderTest, ReturnsOldestModificationFirstThenByName) {
  Write("/in/c.pdf");
  AdvanceMs(10);
  Write("/in/b.pdf");
  Write("/in/a.pdf");
  AdvanceMs(10);
  Write("/in/0.pdf");
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  AdvanceMs(2000);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/c.pdf", "/in/a.pdf", "/in/b.pdf", "/in/0.pdf"));
}

TEST_F(HotFolderTest, MoveToDoneKeepsNameAndAvoidsClobbering) {
  ASSERT_TRUE(env_.CreateDirs("/in/done").ok());
  Write("/in/done/a.pdf", "earlier scan");
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);

  Write("/in/b.pdf", "b");
  auto moved = folder->MoveToDone("/in/b.pdf");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(*moved, "/in/done/b.pdf");

  Write("/in/a.pdf", "second a");
  moved = folder->MoveToDone("/in/a.pdf");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(*moved, "/in/done/a-1.pdf");
  Write("/in/a.pdf", "third a");
  moved = folder->MoveToDone("/in/a.pdf");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(*moved, "/in/done/a-2.pdf");
  Write("/in/noext", "x");
  Write("/in/done/noext", "y");
  moved = folder->MoveToDone("/in/noext");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(*moved, "/in/done/noext-1");

  EXPECT_EQ(Read("/in/done/a.pdf"), "earlier scan");
  EXPECT_EQ(Read("/in/done/a-1.pdf"), "second a");
  EXPECT_EQ(Read("/in/done/a-2.pdf"), "third a");
  EXPECT_FALSE(env_.Exists("/in/a.pdf"));
  AdvanceMs(10'000);
  EXPECT_THAT(Poll(*folder), IsEmpty());
}

TEST_F(HotFolderTest, MoveToDoneOfAMissingFileIsNotFound) {
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  auto moved = folder->MoveToDone("/in/gone.pdf");
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(moved.status().message(), HasSubstr("/in/gone.pdf"));
}

TEST_F(HotFolderTest, MoveToFailedWritesErrorBeside) {
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  Write("/in/bad.pdf", "%PDF-1.7 truncated");
  auto moved = folder->MoveToFailed("/in/bad.pdf", Status::Corrupt("/in/bad.pdf: no pages"));
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(*moved, "/in/failed/bad.pdf");
  EXPECT_EQ(Read("/in/failed/bad.pdf"), "%PDF-1.7 truncated");
  std::string report = Read("/in/failed/bad.pdf.error.txt");
  EXPECT_THAT(report, HasSubstr("file: /in/bad.pdf"));
  EXPECT_THAT(report, HasSubstr("code: corrupt"));
  EXPECT_THAT(report, HasSubstr("message: /in/bad.pdf: no pages"));
  EXPECT_THAT(report, HasSubstr("when: 2023-11-14T"));  // MemEnv's clock starts at 1.7e9 s

  // A second file of the same name gets its own name and its own report.
  Write("/in/bad.pdf", "other");
  moved = folder->MoveToFailed("/in/bad.pdf", Status::Unsupported("/in/bad.pdf: not a scan"));
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(*moved, "/in/failed/bad-1.pdf");
  EXPECT_THAT(Read("/in/failed/bad-1.pdf.error.txt"), HasSubstr("code: unsupported"));
  EXPECT_THAT(Read("/in/failed/bad.pdf.error.txt"), HasSubstr("code: corrupt"));
  AdvanceMs(10'000);
  EXPECT_THAT(Poll(*folder), IsEmpty());
}

TEST_F(HotFolderTest, IgnoresDoneAndFailedFolders) {
  ASSERT_TRUE(env_.CreateDirs("/in/other").ok());
  ASSERT_TRUE(env_.CreateDirs("/in/done").ok());
  Write("/in/other/x.pdf");
  Write("/in/done/y.pdf");
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  EXPECT_TRUE(env_.Exists("/in/failed"));  // created by Open
  Write("/in/failed/z.pdf");
  Write("/in/failed/z.pdf.error.txt");
  Write("/in/a.pdf");
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(60'000);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/a.pdf"));
}

TEST_F(HotFolderTest, NewFileWithTheSameNameIsReturnedAfterMove) {
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  Write("/in/scan0001.pdf", "first");
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(2000);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/scan0001.pdf"));
  ASSERT_TRUE(folder->MoveToDone("/in/scan0001.pdf").ok());
  Write("/in/scan0001.pdf", "second");  // the printer's counter wrapped
  EXPECT_THAT(Poll(*folder), IsEmpty());
  AdvanceMs(2000);
  EXPECT_THAT(Poll(*folder), ElementsAre("/in/scan0001.pdf"));
}

TEST_F(HotFolderTest, MissingFolderIsNotFound) {
  HotFolderOptions options = Options();
  options.dir = "/nowhere";
  auto folder = HotFolder::Open(options, &env_);
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(folder.status().message(), HasSubstr("/nowhere"));
}

TEST_F(HotFolderTest, InvalidOptionsAreRejected) {
  std::vector<HotFolderOptions> bad(6, Options());
  bad[0].dir = "";
  bad[1].settle_ms = 0;
  bad[2].closed_settle_ms = 3000;
  bad[3].poll_ms = 0;
  bad[4].failed_dir = "done";
  bad[5].done_dir = ".";
  for (const HotFolderOptions& options : bad) {
    auto folder = HotFolder::Open(options, &env_);
    ASSERT_FALSE(folder.ok());
    EXPECT_EQ(folder.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(HotFolderTest, WaitReadyReturnsReadyFilesAndTimesOut) {
  Write("/in/old.pdf");
  AdvanceMs(5000);
  auto folder = OpenFolder();
  ASSERT_NE(folder, nullptr);
  EXPECT_FALSE(folder->UsesInotify());
  auto ready = folder->WaitReady(10'000, nullptr);
  ASSERT_TRUE(ready.ok());
  EXPECT_THAT(*ready, ElementsAre("/in/old.pdf"));
  ready = folder->WaitReady(50, nullptr);
  ASSERT_TRUE(ready.ok());
  EXPECT_THAT(*ready, IsEmpty());
}

// --- A real folder, real Env

class HotFolderRealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (fs::path(::testing::TempDir()) /
            ("hot_folder_" + std::to_string(::getpid()) + "_" + info->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  HotFolderOptions Options() const {
    HotFolderOptions options;
    options.dir = dir_;
    options.settle_ms = 8000;  // long, so a quick detection can only come from inotify
    options.closed_settle_ms = 100;
    options.poll_ms = 1000;
    return options;
  }
  static void WriteFile(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out << data;
  }
  static std::chrono::milliseconds Since(SteadyClock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
  }

  // Writes `chunks` pieces with pauses shorter than settle_ms, keeping the file open or closing
  // and reopening between chunks, while collecting what WaitReady returns; the file must be
  // returned exactly once, complete.
  void ExpectChunkedWriteReturnedOnceComplete(bool reopen_per_chunk) {
    HotFolderOptions options = Options();
    options.settle_ms = 1500;
    options.closed_settle_ms = 300;
    options.poll_ms = 200;
    auto folder = HotFolder::Open(options);
    ASSERT_TRUE(folder.ok()) << folder.status().ToString();
    const std::string path = dir_ + "/chunked.pdf";
    const std::string chunk(64 * 1024, 'x');
    constexpr int kChunks = 6;
    std::atomic<bool> written{false};
    std::thread writer([&] {
      std::ofstream out;
      for (int i = 0; i < kChunks; ++i) {
        if (!out.is_open()) out.open(path, std::ios::binary | std::ios::app);
        out << chunk;
        out.flush();
        if (reopen_per_chunk) out.close();
        // Closing between chunks is only safe within closed_settle_ms.
        std::this_thread::sleep_for(std::chrono::milliseconds(reopen_per_chunk ? 100 : 250));
      }
      out.close();
      written = true;
    });
    std::vector<std::string> returned;
    std::vector<std::uintmax_t> sizes;
    std::optional<SteadyClock::time_point> written_at;
    while (!written_at || Since(*written_at) < std::chrono::milliseconds(2500)) {
      if (!written_at && written) written_at = SteadyClock::now();
      auto ready = (*folder)->WaitReady(100, nullptr);
      ASSERT_TRUE(ready.ok()) << ready.status().ToString();
      for (const std::string& p : *ready) {
        returned.push_back(p);
        sizes.push_back(fs::file_size(p));
      }
    }
    writer.join();
    EXPECT_THAT(returned, ElementsAre(path));
    EXPECT_THAT(sizes, ElementsAre(chunk.size() * kChunks));
  }

  std::string dir_;
};

TEST_F(HotFolderRealTest, DetectsAFileClosedAfterWriting) {
  auto folder = HotFolder::Open(Options());
  ASSERT_TRUE(folder.ok()) << folder.status().ToString();
  if (!(*folder)->UsesInotify()) GTEST_SKIP() << "inotify is not available here";
  const auto start = SteadyClock::now();
  std::thread writer([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    WriteFile(dir_ + "/scan.pdf", "%PDF-1.7 a complete scan");
  });
  auto ready = (*folder)->WaitReady(20'000, nullptr);
  writer.join();
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_THAT(*ready, ElementsAre(dir_ + "/scan.pdf"));
  EXPECT_LT(Since(start), std::chrono::milliseconds(6000));  // settle_ms is 8000
}

TEST_F(HotFolderRealTest, TakesAFileRenamedIntoPlace) {
  auto folder = HotFolder::Open(Options());
  ASSERT_TRUE(folder.ok()) << folder.status().ToString();
  if (!(*folder)->UsesInotify()) GTEST_SKIP() << "inotify is not available here";
  const auto start = SteadyClock::now();
  WriteFile(dir_ + "/scan.pdf.part", "%PDF-1.7 a complete scan");
  fs::rename(dir_ + "/scan.pdf.part", dir_ + "/scan.pdf");
  auto ready = (*folder)->WaitReady(20'000, nullptr);
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_THAT(*ready, ElementsAre(dir_ + "/scan.pdf"));
  EXPECT_LT(Since(start), std::chrono::milliseconds(6000));
}

TEST_F(HotFolderRealTest, WakeInterruptsWait) {
  auto folder = HotFolder::Open(Options());
  ASSERT_TRUE(folder.ok()) << folder.status().ToString();
  const auto start = SteadyClock::now();
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    (*folder)->Wake();
  });
  auto ready = (*folder)->WaitReady(10'000, nullptr);
  waker.join();
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_THAT(*ready, IsEmpty());
  EXPECT_LT(Since(start), std::chrono::milliseconds(5000));
}

TEST_F(HotFolderRealTest, CancelInterruptsWait) {
  auto folder = HotFolder::Open(Options());
  ASSERT_TRUE(folder.ok()) << folder.status().ToString();
  std::atomic<bool> cancel{false};
  const auto start = SteadyClock::now();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  auto ready = (*folder)->WaitReady(10'000, &cancel);
  canceller.join();
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_THAT(*ready, IsEmpty());
  EXPECT_LT(Since(start), std::chrono::milliseconds(5000));
}

TEST_F(HotFolderRealTest, ChunkedWriteIsReturnedOnceComplete) {
  ExpectChunkedWriteReturnedOnceComplete(/*reopen_per_chunk=*/false);
}

TEST_F(HotFolderRealTest, ChunkedWriteClosedBetweenChunksIsReturnedOnceComplete) {
  ExpectChunkedWriteReturnedOnceComplete(/*reopen_per_chunk=*/true);
}

TEST_F(HotFolderRealTest, PollingAloneFindsFiles) {
  HotFolderOptions options = Options();
  options.use_inotify = false;
  options.settle_ms = 300;
  options.closed_settle_ms = 100;
  options.poll_ms = 50;
  auto folder = HotFolder::Open(options);
  ASSERT_TRUE(folder.ok()) << folder.status().ToString();
  EXPECT_FALSE((*folder)->UsesInotify());
  WriteFile(dir_ + "/scan.pdf", "%PDF-1.7");
  auto ready = (*folder)->WaitReady(10'000, nullptr);
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_THAT(*ready, ElementsAre(dir_ + "/scan.pdf"));
}

TEST_F(HotFolderRealTest, FolderRemovedIsNotFoundUntilItIsBack) {
  auto folder = HotFolder::Open(Options());
  ASSERT_TRUE(folder.ok()) << folder.status().ToString();
  const bool inotify = (*folder)->UsesInotify();
  fs::remove_all(dir_);
  auto ready = (*folder)->Poll();
  ASSERT_FALSE(ready.ok());
  EXPECT_EQ(ready.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(ready.status().message(), HasSubstr(dir_));

  fs::create_directories(dir_);
  ready = (*folder)->Poll();
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_EQ((*folder)->UsesInotify(), inotify);  // watched again
  WriteFile(dir_ + "/scan.pdf", "%PDF-1.7");
  ready = (*folder)->WaitReady(20'000, nullptr);
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_THAT(*ready, ElementsAre(dir_ + "/scan.pdf"));
  auto moved = (*folder)->MoveToDone(dir_ + "/scan.pdf");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(*moved, dir_ + "/done/scan.pdf");
}

TEST_F(HotFolderRealTest, MovesNeverReplaceOnDisk) {
  auto folder = HotFolder::Open(Options());
  ASSERT_TRUE(folder.ok()) << folder.status().ToString();
  WriteFile(dir_ + "/done/a.pdf", "earlier");
  WriteFile(dir_ + "/a.pdf", "later");
  auto moved = (*folder)->MoveToDone(dir_ + "/a.pdf");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(*moved, dir_ + "/done/a-1.pdf");
  EXPECT_FALSE(fs::exists(dir_ + "/a.pdf"));

  WriteFile(dir_ + "/b.pdf", "bad");
  moved = (*folder)->MoveToFailed(dir_ + "/b.pdf", Status::Corrupt(dir_ + "/b.pdf: truncated"));
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(*moved, dir_ + "/failed/b.pdf");
  EXPECT_TRUE(fs::exists(dir_ + "/failed/b.pdf.error.txt"));
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir_ + "/failed")) {
    left.push_back(entry.path().filename().string());
  }
  std::sort(left.begin(), left.end());
  EXPECT_THAT(left, ElementsAre("b.pdf", "b.pdf.error.txt"));  // no temporary left behind
}

}  // namespace
}  // namespace chartscan::capture
