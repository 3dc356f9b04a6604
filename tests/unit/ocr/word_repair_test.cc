// Word repair with Debian's Hunspell dictionaries (hunspell-en-us, hunspell-en-med) and common word
// list (wamerican-small), which scripts/install-deps.sh installs. The misread words are ones the
// recognizer put out on generated heavy and fax pages.
#include "word_repair.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace chartscan::ocr {
namespace {

class WordRepair : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<std::unique_ptr<WordRepairer>> loaded = WordRepairer::Load(WordRepairOptions{});
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    repairer_ = std::move(*loaded).release();
  }
  static void TearDownTestSuite() {
    delete repairer_;
    repairer_ = nullptr;
  }
  static std::string Repair(const std::string& word) { return repairer_->Repair(word); }
  static WordRepairer* repairer_;
};

WordRepairer* WordRepair::repairer_ = nullptr;

TEST_F(WordRepair, MisreadLowerCaseWordsAreRepaired) {
  EXPECT_EQ(Repair("meilitus"), "mellitus");  // l read as i: medical dictionary
  EXPECT_EQ(Repair("heaith"), "health");
  EXPECT_EQ(Repair("chioride"), "chloride");
  EXPECT_EQ(Repair("pneamonia"), "pneumonia");             // u read as a
  EXPECT_EQ(Repair("hypothyroidisin"), "hypothyroidism");  // m read as in
  EXPECT_EQ(Repair("cinergency"), "emergency");            // two cheap confusions
  EXPECT_EQ(Repair("moming"), "morning");                  // rn read as m
}

TEST_F(WordRepair, WordsOfTheDictionariesAreLeftAsRead) {
  EXPECT_EQ(Repair("mellitus"), "");
  EXPECT_EQ(Repair("vancomycin"), "");
  EXPECT_EQ(Repair("diverticulosis"), "");
  EXPECT_EQ(Repair("reviewed"), "");  // an inflection Hunspell's affix rules know
  // Words with a word a confusion away: "collar", "coaling".
  EXPECT_EQ(Repair("cellar"), "");
  EXPECT_EQ(Repair("coating"), "");
}

TEST_F(WordRepair, NamesAcronymsAndHeadingsAreLeftAsRead) {
  EXPECT_EQ(Repair("Meilitus"), "");
  EXPECT_EQ(Repair("CLIA"), "");
  EXPECT_EQ(Repair("Llanes"), "");
  EXPECT_EQ(Repair("q12h"), "");
}

TEST_F(WordRepair, RareWordsAreNoRepairs) {
  // "cental" is one confusion away and in Hunspell's American dictionary, but no common word.
  EXPECT_EQ(Repair("contal"), "");
}

TEST_F(WordRepair, ATieIsLeftAsRead) {
  // "elopes" (c read for e) and "dopes" (cl read for d) are each half a confusion away.
  EXPECT_EQ(Repair("clopes"), "");
}

TEST_F(WordRepair, ShortWordsTakeOnlyOneCheapConfusion) {
  EXPECT_EQ(Repair("wilh"), "with");
  EXPECT_EQ(Repair("heen"), "");  // "been" is a swap of round shapes away
  EXPECT_EQ(Repair("tbe"), "");   // under four letters
}

TEST_F(WordRepair, PunctuationAroundAWordIsKept) {
  std::vector<Word> words = {{"heaith,", {}, 50, 0},
                             {"(pneamonia).", {}, 50, 0},
                             {"Heaith", {}, 50, 0},
                             {"...", {}, 50, 0}};
  EXPECT_EQ(repairer_->RepairWords(words), 2);
  EXPECT_EQ(words[0].text, "health,");
  EXPECT_EQ(words[1].text, "(pneumonia).");
  EXPECT_EQ(words[2].text, "Heaith");
  EXPECT_EQ(words[3].text, "...");
}

TEST_F(WordRepair, CapitalizedWordsStartingASentenceOrALabelAreRepaired) {
  std::vector<Word> words = {{"Hospitat", {}, 50, 0},
                             {"course", {}, 50, 0},  // line 0
                             {"Datc", {}, 50, 1},
                             {"of", {}, 50, 1},  // line 1
                             {"Admission:", {}, 50, 1}};
  EXPECT_EQ(repairer_->RepairWords(words), 2);
  EXPECT_EQ(words[0].text, "Hospital");
  EXPECT_EQ(words[2].text, "Date");
}

TEST_F(WordRepair, NamesAreLeftAsRead) {
  // After a given name or a title, before a given name or at the end of its line, a capitalized
  // word is left, however near a common word.
  std::vector<Word> words = {{"Justin", {}, 50, 0}, {"Datc", {}, 50, 0},     {"was", {}, 50, 0},
                             {"Dr.", {}, 50, 1},    {"Hospitat", {}, 50, 1}, {"said", {}, 50, 1},
                             {"Datc,", {}, 50, 2},  {"Maria", {}, 50, 2},    {"seen", {}, 50, 3},
                             {"Datc", {}, 50, 3}};
  EXPECT_EQ(repairer_->RepairWords(words), 0);
  // Substitutions only: "Llanes" is a letter from "Lanes".
  EXPECT_EQ(repairer_->RepairCapitalized("Llanes"), "");
  EXPECT_EQ(repairer_->RepairCapitalized("Hospitat"), "Hospital");
  // A name Hunspell knows stays, though "angola" is a swap away.
  EXPECT_EQ(repairer_->RepairCapitalized("Angela"), "");
}

TEST(WordRepairer, EnginesOnTwoThreadsShareOneDictionary) {
  // Each engine (one per worker thread) loads a repairer; they share the loaded dictionary and
  // repair the same from two threads at once (run it under the asan preset for races).
  auto a = WordRepairer::Load(WordRepairOptions{});
  auto b = WordRepairer::Load(WordRepairOptions{});
  ASSERT_TRUE(a.ok() && b.ok());
  const std::vector<std::string> read = {"meilitus", "heaith",     "chioride", "pneamonia",
                                         "moming",   "cinergency", "mellitus", "clopes"};
  const std::vector<std::string> want = {"mellitus", "health",    "chloride", "pneumonia",
                                         "morning",  "emergency", "",         ""};
  auto work = [&](const WordRepairer& r, int* wrong) {
    for (int round = 0; round < 200; ++round) {
      for (size_t i = 0; i < read.size(); ++i) *wrong += r.Repair(read[i]) != want[i];
    }
  };
  int wrong_a = 0, wrong_b = 0;
  std::thread ta(work, std::cref(**a), &wrong_a);
  std::thread tb(work, std::cref(**b), &wrong_b);
  ta.join();
  tb.join();
  EXPECT_EQ(wrong_a, 0);
  EXPECT_EQ(wrong_b, 0);
}

TEST(WordRepairOptions, AMissingDictionaryIsNamed) {
  WordRepairOptions o;
  o.extra_dictionaries = {"/nonexistent/facility_terms.dic"};
  Status s = o.Validate();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("/nonexistent/facility_terms.dic"), std::string::npos);
  EXPECT_EQ(s.message().find("install"), std::string::npos) << "no package ships a facility's file";
  OcrOptions ocr;
  ocr.word_repair = o;
  EXPECT_EQ(ocr.Validate().code(), StatusCode::kNotFound);  // checked before an engine loads
  o.enabled = false;
  EXPECT_TRUE(o.Validate().ok());
  EXPECT_EQ(
      WordRepairer::Load(WordRepairOptions{.enabled = true, .dictionary = "/nonexistent/en_US"})
          .status()
          .code(),
      StatusCode::kNotFound);
}

}  // namespace
}  // namespace chartscan::ocr
