#include <gtest/gtest.h>

#include <chartscan/models/geometry.h>
#include <chartscan/models/image.h>

namespace chartscan {
namespace {

TEST(ImageView, HonoursStrideBetweenRows) {
  std::uint8_t buf[] = {1, 2, 99, 3, 4, 99};
  ImageView v(buf, 2, 2, PixelFormat::kGray8, 3);
  EXPECT_EQ(v.row(1)[0], 3);
  Image copy = Image::CopyOf(v);
  EXPECT_EQ(copy.stride(), 2);
  EXPECT_EQ(copy.view().row(1)[1], 4);
}

TEST(ImageView, RejectsStrideShorterThanRow) {
  std::uint8_t buf[6] = {};
  EXPECT_THROW(ImageView(buf, 2, 1, PixelFormat::kRgb8, 3), std::invalid_argument);
  EXPECT_THROW(ImageView(nullptr, 2, 1, PixelFormat::kGray8), std::invalid_argument);
}

TEST(Image, FillsNewPixels) {
  Image img(3, 2, PixelFormat::kRgb8, 7);
  EXPECT_EQ(img.byte_size(), 18u);
  EXPECT_EQ(img.view().row(1)[8], 7);
}

TEST(Box, UnionAndIntersection) {
  Box a{0, 0, 10, 10}, b{5, 5, 10, 10};
  EXPECT_EQ(a.United(b), (Box{0, 0, 15, 15}));
  EXPECT_EQ(a.Intersected(b), (Box{5, 5, 5, 5}));
  EXPECT_TRUE(a.Intersected(Box{20, 20, 1, 1}).empty());
  EXPECT_TRUE(a.Intersects(b));
  EXPECT_FALSE(a.Intersects(Box{20, 20, 1, 1}));
  EXPECT_FALSE(a.Intersects(Box{a.right(), a.y, 5, 5}));  // touching edges
  EXPECT_EQ(Box{}.United(b), b);
}

}  // namespace
}  // namespace chartscan
