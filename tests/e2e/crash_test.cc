// The crash gate: SIGKILL chartscan at random moments while it digitizes a batch, start it again,
// and check after every kill that the store is whole (`chartscan check`) and, at the end, that the
// batch finished with every page present exactly once and recognized exactly as an uninterrupted
// run recognized it.
//
// Kill moments are drawn uniformly over the length of an uninterrupted run, so they land in
// every phase: opening the store, creating or claiming the batch, storing originals, OCR, page
// writes, assembly, finishing the batch. The seed is printed; CHARTSCAN_CRASH_SEED replays a run.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

const std::string kCli = CHARTSCAN_CLI;
const std::string kWork = CHARTSCAN_WORK_DIR;
const std::string kSamples = std::string(CHARTSCAN_SOURCE_DIR) + "/samples/batch";

// Starts chartscan with args, stdout and stderr to `log`; returns the child's pid.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(kCli.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(kCli.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// Exit status, or -signal when killed.
int Wait(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return WEXITSTATUS(status);
}

int RunCli(const std::vector<std::string>& args, const std::string& log) {
  return Wait(Spawn(args, log));
}

// Kills the child with SIGKILL `seconds` after now, unless it exits first. Returns -SIGKILL when
// it was killed, else its exit status (polled, so a run that finishes in time is not "killed").
int KillAt(pid_t pid, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  return Wait(pid);
}

// A random generator for kill moments; the seed is printed, and CHARTSCAN_CRASH_SEED replays it.
std::mt19937 SeededRng(const char* gate) {
  unsigned seed = static_cast<unsigned>(std::random_device{}());
  if (const char* s = std::getenv("CHARTSCAN_CRASH_SEED")) {
    seed = static_cast<unsigned>(std::atoll(s));
  }
  std::printf("%s: seed %u (replay with CHARTSCAN_CRASH_SEED=%u)\n", gate, seed, seed);
  return std::mt19937(seed);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Whatever the moment of a kill, what is stored must be whole. (Before the first store exists
// there is nothing to check.)
void ExpectStoreWhole(const std::string& store, const std::string& log) {
  if (::access((store + "/chartscan.db").c_str(), F_OK) != 0) return;
  EXPECT_EQ(RunCli({"check", "--store", store, "--verify-originals"}, log), 0) << ReadAll(log);
}

struct Exported {
  std::map<std::string, std::string> pages;      // "source#page" -> blank/text and the text
  std::map<std::string, std::string> documents;  // first page key -> type, pages and boundary
};

// Pages keyed by (source path, page) and documents keyed by their first page: ids may differ
// between two stores, the content must not.
Exported Export(const std::string& store, const std::string& tag) {
  Exported e;
  const std::string out = kWork + "/" + tag + ".jsonl";
  EXPECT_EQ(RunCli({"export", "--store", store, "--format", "jsonl", "-o", out}, out + ".log"), 0);
  std::map<std::int64_t, std::string> key_of;
  std::ifstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    const std::string key =
        j["source"].get<std::string>() + "#" + std::to_string(j["source_page"].get<int>());
    EXPECT_EQ(e.pages.count(key), 0u) << key << " exported twice";
    e.pages[key] =
        std::string(j["blank"].get<bool>() ? "blank" : "text") + ":" + j["text"].get<std::string>();
    key_of[j["page_id"].get<std::int64_t>()] = key;
  }
  const std::string docs = kWork + "/" + tag + "-docs.jsonl";
  EXPECT_EQ(RunCli({"export", "--store", store, "--format", "documents-jsonl", "-o", docs},
                   docs + ".log"),
            0);
  std::ifstream din(docs);
  while (std::getline(din, line)) {
    auto j = nlohmann::json::parse(line);
    std::string pages;
    for (const auto& id : j["pages"]) pages += key_of[id.get<std::int64_t>()] + " ";
    const std::string first = key_of[j["pages"][0].get<std::int64_t>()];
    EXPECT_EQ(e.documents.count(first), 0u) << first << " starts two documents";
    e.documents[first] =
        j["doc_type"].get<std::string>() + " [" + pages + "] " + j["boundary"].get<std::string>();
  }
  return e;
}

TEST(CrashGate, KilledAtRandomMomentsTheBatchFinishesWithEveryPageOnce) {
  ASSERT_EQ(std::system(("rm -rf '" + kWork + "' && mkdir -p '" + kWork + "'").c_str()), 0);
  const std::vector<std::string> ingest_args = {"--quiet", "--workers", "2", kSamples};

  // The uninterrupted reference, and how long it takes here.
  const std::string reference = kWork + "/reference";
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> args = {"ingest", "--store", reference};
  args.insert(args.end(), ingest_args.begin(), ingest_args.end());
  ASSERT_EQ(RunCli(args, kWork + "/reference.log"), 0) << ReadAll(kWork + "/reference.log");
  const double full_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::mt19937 rng = SeededRng("crash gate");
  // Each run is killed within the first half of what a whole run takes, so most runs die with
  // work left and the batch is resumed many times; a few die very early (opening the store,
  // creating or claiming the batch), late ones in assembly once little work is left.
  std::uniform_real_distribution<double> moment(0.02, 0.45 * full_seconds);

  const std::string store = kWork + "/crashed";
  args = {"ingest", "--store", store};
  args.insert(args.end(), ingest_args.begin(), ingest_args.end());
  constexpr int kKills = 12;
  int kills = 0, finished_early = 0;
  for (int round = 0; round < kKills; ++round) {
    const std::string log = kWork + "/round-" + std::to_string(round) + ".log";
    const pid_t pid = Spawn(args, log);
    const double at = moment(rng);
    const int rc = KillAt(pid, at);
    const bool exited = rc != -SIGKILL;
    if (!exited) {
      ++kills;
    } else {
      ASSERT_EQ(rc, 0) << ReadAll(log);
      ++finished_early;
    }
    std::printf("  round %d: %s at %.2fs\n", round, exited ? "finished" : "killed", at);
    ExpectStoreWhole(store, kWork + "/check-" + std::to_string(round) + ".log");
    if (exited) break;
  }
  std::printf("crash gate: %d kills, %d runs finished before their kill moment\n", kills,
              finished_early);
  EXPECT_GE(kills, 1);

  // Started again and left alone, it finishes the batch.
  const std::string final_log = kWork + "/final.log";
  ASSERT_EQ(RunCli(args, final_log), 0) << ReadAll(final_log);
  const std::string check_log = kWork + "/check-final.log";
  EXPECT_EQ(RunCli({"check", "--store", store, "--verify-originals"}, check_log), 0)
      << ReadAll(check_log);

  // One batch, resumed each time rather than started anew, done, with every page once.
  const std::string batches_out = kWork + "/batches.json";
  ASSERT_EQ(RunCli({"batches", "--store", store, "--json"}, batches_out), 0);
  auto batches = nlohmann::json::parse(ReadAll(batches_out))["batches"];
  ASSERT_GE(batches.size(), 1u);
  int done_batches = 0;
  for (const auto& b : batches) {
    if (b["pages"].get<int>() > 0) {
      EXPECT_EQ(b["status"], "done") << b.dump();
      ++done_batches;
    }
  }
  EXPECT_EQ(done_batches, 1) << batches.dump(2);

  const Exported expected = Export(reference, "reference");
  const Exported got = Export(store, "crashed");
  EXPECT_EQ(got.pages.size(), expected.pages.size());
  for (const auto& [key, value] : expected.pages) {
    auto it = got.pages.find(key);
    ASSERT_NE(it, got.pages.end()) << key << " is missing";
    EXPECT_EQ(it->second, value) << key << " differs from the uninterrupted run";
  }
  EXPECT_EQ(got.documents, expected.documents);
}

// Files in a folder, by name (regular files only).
std::set<std::string> FilesIn(const std::string& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file()) names.insert(e.path().filename().string());
  }
  return names;
}

TEST(CrashGate, WatchKilledAtRandomMomentsLosesAndDoublesNoFile) {
  const std::string work = kWork + "/watch";
  ASSERT_EQ(std::system(("rm -rf '" + work + "' && mkdir -p '" + work + "/in'").c_str()), 0);
  const std::string folder = work + "/in", store = work + "/store";
  // Seven sample files (8 pages, one blank) and one that cannot be read.
  const std::vector<std::string> samples = {"0002-clean-progress_note.png",
                                            "0003-light-history_and_physical.jpg",
                                            "0005-fax-history_and_physical.tif",
                                            "0006-faint-radiology_report.jpg",
                                            "0008-lowres-consent.jpg",
                                            "0010-blank.jpg",
                                            "0011-clean-discharge_summary-near_blank.tif"};
  for (const std::string& f : samples) {
    std::filesystem::copy_file(kSamples + "/" + f, folder + "/" + f);
  }
  {
    std::ofstream bad(folder + "/broken.pdf");
    bad << "%PDF-1.4 this is not really a PDF";
  }
  const std::vector<std::string> args = {"watch",     "--store", store,     "--settle-ms", "200",
                                         "--workers", "2",       "--quiet", folder};

  std::mt19937 rng = SeededRng("watch crash gate");
  std::uniform_real_distribution<double> moment(0.2, 3.0);
  constexpr int kKills = 8;
  for (int round = 0; round < kKills; ++round) {
    const std::string log = work + "/round-" + std::to_string(round) + ".log";
    const pid_t pid = Spawn(args, log);
    const double at = moment(rng);
    ASSERT_EQ(KillAt(pid, at), -SIGKILL) << "a watch runs until stopped\n" << ReadAll(log);
    std::printf("  round %d: killed at %.2fs, %zu files left\n", round, at, FilesIn(folder).size());
    ExpectStoreWhole(store, work + "/check-" + std::to_string(round) + ".log");
  }
  // Left alone, the watch empties the folder; then Ctrl-C ends the session.
  const std::string log = work + "/final.log";
  const pid_t pid = Spawn(args, log);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  // Ctrl-C is handled once the session has started (it says so first).
  while (ReadAll(log).find("Watching") == std::string::npos &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  while (!FilesIn(folder).empty() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGINT);
  const int rc = Wait(pid);
  // 1 when this session set the broken file aside, 0 when an earlier one did.
  EXPECT_TRUE(rc == 0 || rc == 1) << rc << "\n" << ReadAll(log);

  EXPECT_TRUE(FilesIn(folder).empty());
  std::set<std::string> expected_done(samples.begin(), samples.end());
  EXPECT_EQ(FilesIn(folder + "/done"), expected_done) << "each file once, none doubled";
  EXPECT_EQ(FilesIn(folder + "/failed"),
            (std::set<std::string>{"broken.pdf", "broken.pdf.error.txt"}));
  const std::string check_log = work + "/check-final.log";
  EXPECT_EQ(RunCli({"check", "--store", store, "--verify-originals"}, check_log), 0)
      << ReadAll(check_log);

  const Exported got = Export(store, "watch");
  EXPECT_EQ(got.pages.size(), 8u) << "every page of the seven files, once";
  std::set<std::string> sources;
  for (const auto& [key, value] : got.pages) sources.insert(key.substr(0, key.find('#')));
  EXPECT_EQ(sources.size(), samples.size());
  const std::string batches_out = work + "/batches.json";
  ASSERT_EQ(RunCli({"batches", "--store", store, "--json"}, batches_out), 0);
  auto batches = nlohmann::json::parse(ReadAll(batches_out))["batches"];
  int with_pages = 0;
  for (const auto& b : batches) {
    if (b["pages"].get<int>() > 0) ++with_pages;
    EXPECT_EQ(b["status"], "done") << b.dump();
  }
  EXPECT_EQ(with_pages, 1) << "every restart continued the same batch\n" << batches.dump(2);
}

TEST(CrashGate, CtrlCStopsCleanlyAndTheSameCommandFinishesTheBatch) {
  const std::string work = kWork + "/interrupt";
  ASSERT_EQ(std::system(("rm -rf '" + work + "' && mkdir -p '" + work + "'").c_str()), 0);
  const std::string store = work + "/store";
  const std::vector<std::string> args = {"ingest", "--store", store, "--workers", "1", kSamples};
  const std::string log = work + "/first.log";
  const pid_t pid = Spawn(args, log);
  // Interrupt once the first page is stored (as `batches` shows it, read-only, while it runs).
  const std::string poll = work + "/poll.json";
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (std::chrono::steady_clock::now() < give_up) {
    if (RunCli({"batches", "--store", store, "--json"}, poll) == 0) {
      auto list = nlohmann::json::parse(ReadAll(poll))["batches"];
      if (!list.empty() && list[0]["done"].get<int>() >= 1) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGINT);
  EXPECT_EQ(Wait(pid), 1) << ReadAll(log);
  EXPECT_NE(ReadAll(log).find("Stopped batch"), std::string::npos) << ReadAll(log);
  const std::string check_log = work + "/check.log";
  EXPECT_EQ(RunCli({"check", "--store", store}, check_log), 0) << ReadAll(check_log);
  const std::string show = work + "/show.json";
  ASSERT_EQ(RunCli({"batch", "show", "--store", store, "--json", "1"}, show), 0);
  auto batch = nlohmann::json::parse(ReadAll(show));
  EXPECT_EQ(batch["status"], "stopped (cancelled)");
  const int done_before = batch["done"].get<int>();
  EXPECT_GE(done_before, 1);
  EXPECT_LT(done_before, 13);
  EXPECT_EQ(batch["stages"]["cleaned"].get<int>() + batch["stages"]["recognized"].get<int>() +
                batch["stages"]["extracted"].get<int>(),
            0)
      << "pages in flight were finished, not left half-done";

  const std::string again = work + "/again.log";
  ASSERT_EQ(RunCli(args, again), 0) << ReadAll(again);
  ASSERT_EQ(RunCli({"batch", "show", "--store", store, "--json", "1"}, show), 0);
  batch = nlohmann::json::parse(ReadAll(show));
  EXPECT_EQ(batch["status"], "done");
  EXPECT_EQ(batch["done"].get<int>(), 13);
  EXPECT_EQ(Export(store, "interrupt").pages.size(), 13u);
}

// SANE's virtual test scanner, in a configuration owned by this test (no real scanner is probed).
void UseVirtualScanners(const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/dll.conf") << "test\n";
  ::setenv("SANE_CONFIG_DIR", dir.c_str(), 1);  // inherited by every chartscan started below
}

TEST(CrashGate, ScanKilledAtRandomMomentsKeepsEverySideOnce) {
  const std::string work = kWork + "/scan";
  ASSERT_EQ(std::system(("rm -rf '" + work + "' && mkdir -p '" + work + "'").c_str()), 0);
  UseVirtualScanners(work + "/sane");
  const std::string store = work + "/store";
  // The test device's feeder holds 10 sheets; a read delay makes a side take about half a
  // second, so kills land while sides are being read, encoded, stored and recognized. Small reads
  // keep the test backend's reader thread out of the way of its own cancel (which can otherwise
  // hang inside that backend: see tests/unit/capture/sane_fixture.cc).
  const std::vector<std::string> scan = {"scan",
                                         "--store",
                                         store,
                                         "--device",
                                         "test:0",
                                         "--source",
                                         "adf",
                                         "--dpi",
                                         "150",
                                         "--option",
                                         "test-picture=Color pattern",
                                         "--option",
                                         "read-delay=yes",
                                         "--option",
                                         "read-limit=yes",
                                         "--option",
                                         "read-limit-size=4096",
                                         "--option",
                                         "read-delay-duration=5000",
                                         "--workers",
                                         "2",
                                         "--quiet"};

  std::mt19937 rng = SeededRng("scan crash gate");
  std::uniform_real_distribution<double> moment(0.1, 2.5);

  // The batch to resume: the open one (there is only ever one scan batch here).
  auto batch_id = [&]() -> std::string {
    const std::string out = work + "/batches.json";
    if (RunCli({"batches", "--store", store, "--json"}, out) != 0) return "";
    auto batches = nlohmann::json::parse(ReadAll(out))["batches"];
    return batches.empty() ? "" : std::to_string(batches.back()["batch_id"].get<int>());
  };
  constexpr int kKills = 6;
  int kills = 0;
  bool finished = false;  // a run ran the feeder empty before its kill moment
  for (int round = 0; round < kKills; ++round) {
    std::vector<std::string> args = scan;
    const std::string id = batch_id();
    if (!id.empty()) {
      args.push_back("--resume");
      args.push_back(id);
    }
    const std::string log = work + "/round-" + std::to_string(round) + ".log";
    const pid_t pid = Spawn(args, log);
    const double at = moment(rng);
    const int rc = KillAt(pid, at);
    if (rc != -SIGKILL) {
      ASSERT_EQ(rc, 0) << ReadAll(log);
      finished = true;
      break;
    }
    ++kills;
    std::printf("  round %d: killed at %.2fs\n", round, at);
    ExpectStoreWhole(store, work + "/check-" + std::to_string(round) + ".log");
  }
  EXPECT_GE(kills, 1);
  // Left alone, the resumed batch runs the feeder empty and finishes.
  if (!finished) {
    std::vector<std::string> args = scan;
    const std::string id = batch_id();
    if (!id.empty()) {
      args.push_back("--resume");
      args.push_back(id);
    }
    const std::string log = work + "/final.log";
    ASSERT_EQ(RunCli(args, log), 0) << ReadAll(log);
  }
  const std::string check_log = work + "/check-final.log";
  EXPECT_EQ(RunCli({"check", "--store", store, "--verify-originals"}, check_log), 0)
      << ReadAll(check_log);

  // One batch, done; every side that arrived is stored once, as side 1, 2, 3... in order, apart
  // from sides a kill caught before their original reached the disk, which are reported lost by
  // number (the operator rescans those sheets).
  const std::string out = work + "/batches.json";
  ASSERT_EQ(RunCli({"batches", "--store", store, "--json"}, out), 0);
  auto batches = nlohmann::json::parse(ReadAll(out))["batches"];
  ASSERT_EQ(batches.size(), 1u) << batches.dump(2);
  EXPECT_EQ(batches[0]["status"], "done");
  const int sides = batches[0]["pages"].get<int>();
  EXPECT_EQ(batches[0]["done"].get<int>(), sides);
  EXPECT_GE(sides, 10);
  const std::string show = work + "/show.json";
  ASSERT_EQ(RunCli({"batch", "show", "--store", store, "--json",
                    std::to_string(batches[0]["batch_id"].get<int>())},
                   show),
            0);
  std::set<std::string> numbered;  // "side-0001", ...
  auto side_of = [](const std::string& path) { return path.substr(path.rfind("/side-") + 1, 9); };
  // (Parsed into a variable first: a range-for over a member of a temporary would dangle.)
  const nlohmann::json shown = nlohmann::json::parse(ReadAll(show));
  for (const auto& path : shown["lost_side_paths"]) {
    numbered.insert(side_of(path.get<std::string>()));
  }
  const int lost = static_cast<int>(numbered.size());
  std::printf("scan crash gate: %d sides stored, %d lost to a kill before reaching the disk\n",
              sides, lost);
  const Exported got = Export(store, "scan");
  EXPECT_EQ(static_cast<int>(got.pages.size()), sides);
  for (const auto& [key, value] : got.pages) {
    EXPECT_TRUE(numbered.insert(side_of(key)).second) << key << " stored twice or lost and stored";
  }
  for (int i = 1; i <= sides + lost; ++i) {
    char want[16];
    std::snprintf(want, sizeof want, "side-%04d", i);
    EXPECT_TRUE(numbered.count(want)) << want << " is neither stored nor reported lost";
  }
}

}  // namespace
