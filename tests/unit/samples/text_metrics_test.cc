#include <string>

#include <gtest/gtest.h>

#include <chartscan/samples/truth.h>

namespace chartscan::samples {
namespace {

TEST(NormalizeForCer, CollapsesWhitespaceRunsAndTrims) {
  EXPECT_EQ(NormalizeForCer("  Blood\tpressure \n\n 120/80  "), "Blood pressure 120/80");
  EXPECT_EQ(NormalizeForCer("\n\t "), "");
  EXPECT_EQ(NormalizeForCer("a\xC2\xA0"
                            "b"),
            "a b");  // no-break space
}

TEST(NormalizeForCer, MapsTypographicCharactersToAscii) {
  EXPECT_EQ(NormalizeForCer("\xE2\x80\x9CNo\xE2\x80\x9D \xE2\x80\x98x\xE2\x80\x99"), "\"No\" 'x'");
  EXPECT_EQ(NormalizeForCer("2\xE2\x80\x93"
                            "3 \xE2\x80\x94 4"),
            "2-3 - 4");                                                        // en, em dash
  EXPECT_EQ(NormalizeForCer("\xEF\xAC\x81nal \xEF\xAC\x82ow"), "final flow");  // ligatures
  EXPECT_EQ(NormalizeForCer("wait\xE2\x80\xA6"), "wait...");
}

TEST(NormalizeForCer, KeepsOtherNonAsciiCharacters) {
  EXPECT_EQ(NormalizeForCer("37.5 \xC2\xB0"
                            "C"),
            "37.5 \xC2\xB0"
            "C");  // degree sign
}

TEST(EditDistance, ClassicCases) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("", "abcd"), 4u);
  EXPECT_EQ(EditDistance("same", "same"), 0u);
  EXPECT_EQ(EditDistance("flaw", "lawn"), 2u);
}

TEST(EditDistance, IsSymmetric) {
  EXPECT_EQ(EditDistance("metformin 500 mg", "rnetforrnin 5OO rng"),
            EditDistance("rnetforrnin 5OO rng", "metformin 500 mg"));
}

TEST(EditDistance, CountsCodePointsNotBytes) {
  EXPECT_EQ(EditDistance("caf\xC3\xA9", "cafe"), 1u);
  EXPECT_EQ(EditDistance("\xE2\x80\x94", "-"), 1u);  // not normalized here
}

TEST(CodePointCount, CountsInvalidBytesOneEach) {
  EXPECT_EQ(CodePointCount("abc"), 3u);
  EXPECT_EQ(CodePointCount("caf\xC3\xA9"), 4u);
  EXPECT_EQ(CodePointCount("\xFF\xFE"), 2u);
  EXPECT_EQ(CodePointCount("\xE2\x80"), 2u);  // truncated sequence
}

TEST(CharacterErrorRate, ZeroForEqualTextUpToWhitespaceAndTypography) {
  EXPECT_DOUBLE_EQ(CharacterErrorRate("Page 1 of 2", "Page 1 of 2"), 0.0);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("Page 1\nof 2", "  Page 1 of   2\n"), 0.0);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("\"No\" - ok", "\xE2\x80\x9CNo\xE2\x80\x9D \xE2\x80\x94 ok"),
                   0.0);
}

TEST(CharacterErrorRate, DividesByReferenceLength) {
  EXPECT_DOUBLE_EQ(CharacterErrorRate("abcd", "abXd"), 0.25);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("abcd", ""), 1.0);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("ab", "abcdef"), 2.0);  // can exceed 1
}

TEST(CharacterErrorRate, EmptyReference) {
  EXPECT_DOUBLE_EQ(CharacterErrorRate("", ""), 0.0);
  EXPECT_DOUBLE_EQ(CharacterErrorRate(" \n", "\t"), 0.0);
  EXPECT_DOUBLE_EQ(CharacterErrorRate("", "noise"), 1.0);
}

TEST(CharacterErrorRate, ScoresBrokenUtf8Hypothesis) {
  double cer = CharacterErrorRate("abc",
                                  "a\xFF"
                                  "c");
  EXPECT_NEAR(cer, 1.0 / 3.0, 1e-12);
}

}  // namespace
}  // namespace chartscan::samples
