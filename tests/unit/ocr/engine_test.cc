#include <gtest/gtest.h>

#include <chartscan/ocr/engine.h>

namespace chartscan::ocr {
namespace {

TEST(OcrOptions, RejectsBadLanguageLists) {
  OcrOptions o;
  o.languages = "";
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o.languages = "eng; rm -rf";
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o.languages = "eng+osd";
  EXPECT_TRUE(o.Validate().ok());
}

TEST(Engine, MissingLanguageDataIsUnavailableNotACrash) {
  OcrOptions o;
  o.languages = "zzz";
  auto engine = Engine::Create(o);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(engine.status().message().find("zzz"), std::string::npos);
}

TEST(Engine, MissingTessdataFolderIsNotFound) {
  OcrOptions o;
  o.tessdata_dir = "/nonexistent/tessdata";
  EXPECT_EQ(Engine::Create(o).status().code(), StatusCode::kNotFound);
}

TEST(Engine, RejectsColourInput) {
  auto engine = Engine::Create({});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  Image rgb(10, 10, PixelFormat::kRgb8);
  EXPECT_EQ((*engine)->Recognize(rgb.view(), 300).status().code(), StatusCode::kInvalidArgument);
}

TEST(Engine, WhitePageHasNoWords) {
  auto engine = Engine::Create({});
  ASSERT_TRUE(engine.ok());
  Image white(1000, 1200, PixelFormat::kGray8, 255);
  auto r = (*engine)->Recognize(white.view(), 300);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->text.words.empty());
  EXPECT_EQ(r->text.text, "");
}

}  // namespace
}  // namespace chartscan::ocr
