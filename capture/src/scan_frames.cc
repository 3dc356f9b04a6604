// Raw SANE frames to 8-bit pages.
//
// A backend sends a page as one frame (grey or pixel-interleaved RGB) or, on a three-pass
// scanner, as three single-colour frames. Each frame is a sequence of lines of bytes_per_line
// bytes, of which only the first pixels_per_line pixels are image (the rest is padding, which
// SANE's test backend fills with junk on purpose). Lines are converted as soon as they are
// complete: sane_read returns arbitrary chunks, so a line may straddle two reads.
#include <algorithm>
#include <cstring>
#include <string>

#include "scanner_internal.h"

namespace chartscan::capture {
namespace {

int SamplesPerPixel(FrameKind kind) { return kind == FrameKind::kRgb ? 3 : 1; }

int ChannelOf(FrameKind kind) {
  switch (kind) {
    case FrameKind::kRed:
      return 0;
    case FrameKind::kGreen:
      return 1;
    case FrameKind::kBlue:
      return 2;
    default:
      return -1;
  }
}

// Native byte order, rounded to the nearest 8-bit value (65535 -> 255, 257 * v -> v).
std::uint8_t Scale16(const std::uint8_t* p) {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return static_cast<std::uint8_t>((static_cast<unsigned>(v) + 128u) / 257u);
}

bool BitAt(const std::uint8_t* line, std::int64_t i) {
  return ((line[i >> 3] >> (7 - (i & 7))) & 1) != 0;
}

// Sample `i` of a line (samples counted across channels for RGB) as 8 bits. `black_bit`: in 1-bit
// grey a set bit is black; in 1-bit colour it is full intensity.
std::uint8_t SampleAt(const std::uint8_t* line, std::int64_t i, int depth, bool black_bit) {
  switch (depth) {
    case 1:
      return BitAt(line, i) != black_bit ? 255 : 0;
    case 16:
      return Scale16(line + 2 * i);
    default:
      return line[i];
  }
}

}  // namespace

Status PageBuilder::BeginFrame(const FrameLayout& f) {
  if (f.depth != 1 && f.depth != 8 && f.depth != 16) {
    return Status::Unsupported("frames of " + std::to_string(f.depth) +
                               " bits per sample are not supported");
  }
  if (f.pixels_per_line <= 0 || f.bytes_per_line <= 0 || f.lines == 0 || f.lines < -1) {
    return Status::Corrupt("the device announced an empty or impossible frame (" +
                           std::to_string(f.pixels_per_line) + " pixels x " +
                           std::to_string(f.lines) + " lines)");
  }
  const std::int64_t bits =
      static_cast<std::int64_t>(f.pixels_per_line) * SamplesPerPixel(f.kind) * f.depth;
  if (f.bytes_per_line < (bits + 7) / 8) {
    return Status::Corrupt("the device announced " + std::to_string(f.bytes_per_line) +
                           " bytes per line, too few for " + std::to_string(f.pixels_per_line) +
                           " pixels");
  }
  const int channel = ChannelOf(f.kind);
  if (started_) {
    // Only a three-pass page takes more than one frame: a colour it does not have yet, as wide.
    if (channel < 0 || !expects_more_frames() || (channels_ & (1u << channel)) != 0) {
      return Status::Corrupt("the device sent a frame the page does not need");
    }
    if (f.pixels_per_line != width_) {
      return Status::Corrupt("the colour frames of a three-pass page differ in width");
    }
  } else {
    colour_ = f.kind != FrameKind::kGray;
    width_ = f.pixels_per_line;
  }
  const std::int64_t pixels_known =
      f.lines > 0 ? static_cast<std::int64_t>(f.pixels_per_line) * f.lines : 0;
  if (pixels_known > max_page_pixels_) {
    return Status::TooLarge("the page would be " + std::to_string(f.pixels_per_line) + " x " +
                            std::to_string(f.lines) + " pixels, more than the limit of " +
                            std::to_string(max_page_pixels_));
  }
  if (!started_ && f.lines > 0) {
    image_ = Image(width_, f.lines, colour_ ? PixelFormat::kRgb8 : PixelFormat::kGray8, 0);
  }
  if (channel >= 0) channels_ |= 1u << channel;
  bilevel_ = bilevel_ && f.kind == FrameKind::kGray && f.depth == 1;
  frame_ = f;
  started_ = true;
  frame_lines_ = 0;
  frame_bytes_ = 0;
  partial_.clear();
  return Status::Ok();
}

bool PageBuilder::expects_more_frames() const {
  return colour_ && channels_ != 0 && channels_ != 7;
}

std::uint8_t* PageBuilder::RowFor(int y) {
  const std::size_t row_bytes = static_cast<std::size_t>(width_) * (colour_ ? 3 : 1);
  if (!image_.empty()) return image_.row(y);
  return pixels_.data() + static_cast<std::size_t>(y) * row_bytes;
}

Status PageBuilder::EmitLine(const std::uint8_t* src) {
  const bool first_frame = height_ < 0;
  if (first_frame) {
    if (frame_.lines > 0 && frame_lines_ >= frame_.lines) return Status::Ok();  // beyond the page
    if (frame_.lines < 0) {
      if (static_cast<std::int64_t>(frame_lines_ + 1) * width_ > max_page_pixels_) {
        return Status::TooLarge("the page grew past the limit of " +
                                std::to_string(max_page_pixels_) + " pixels");
      }
      const std::size_t row_bytes = static_cast<std::size_t>(width_) * (colour_ ? 3 : 1);
      pixels_.resize(pixels_.size() + row_bytes);
    }
  } else if (frame_lines_ >= height_) {
    return Status::Ok();  // a later colour frame longer than the first: the extra is not image
  }
  ConvertLine(src, RowFor(frame_lines_));
  ++frame_lines_;
  return Status::Ok();
}

void PageBuilder::ConvertLine(const std::uint8_t* src, std::uint8_t* dst) const {
  const int depth = frame_.depth;
  const std::int64_t width = width_;
  switch (frame_.kind) {
    case FrameKind::kGray:
      if (depth == 8) {
        std::memcpy(dst, src, static_cast<std::size_t>(width));
      } else {
        for (std::int64_t x = 0; x < width; ++x) dst[x] = SampleAt(src, x, depth, true);
      }
      break;
    case FrameKind::kRgb:
      if (depth == 8) {
        std::memcpy(dst, src, static_cast<std::size_t>(3 * width));
      } else {
        for (std::int64_t i = 0; i < 3 * width; ++i) dst[i] = SampleAt(src, i, depth, false);
      }
      break;
    case FrameKind::kRed:
    case FrameKind::kGreen:
    case FrameKind::kBlue: {
      const int c = ChannelOf(frame_.kind);
      for (std::int64_t x = 0; x < width; ++x) dst[3 * x + c] = SampleAt(src, x, depth, false);
      break;
    }
  }
}

Status PageBuilder::Feed(const std::uint8_t* data, std::size_t size) {
  frame_bytes_ += static_cast<std::int64_t>(size);
  const std::size_t line = static_cast<std::size_t>(frame_.bytes_per_line);
  if (!partial_.empty()) {
    const std::size_t take = std::min(line - partial_.size(), size);
    partial_.insert(partial_.end(), data, data + take);
    data += take;
    size -= take;
    if (partial_.size() < line) return Status::Ok();
    Status s = EmitLine(partial_.data());
    partial_.clear();
    if (!s.ok()) return s;
  }
  for (; size >= line; data += line, size -= line) {
    if (Status s = EmitLine(data); !s.ok()) return s;
  }
  partial_.assign(data, data + size);
  return Status::Ok();
}

void PageBuilder::EndFrame() {
  partial_.clear();
  height_ = height_ < 0 ? frame_lines_ : std::min(height_, frame_lines_);
}

Result<Image> PageBuilder::Finish(bool* bilevel) {
  if (!started_ || height_ <= 0) {
    return Status::Corrupt("the device ended the page before a complete line arrived");
  }
  if (expects_more_frames()) {
    return Status::Corrupt("the device ended a three-pass page before all three colours");
  }
  if (bilevel != nullptr) *bilevel = bilevel_;
  if (!image_.empty() && image_.height() == height_) return std::move(image_);
  // Unknown height (hand scanner) or a page shorter than announced: copy the lines received.
  Image page(width_, height_, colour_ ? PixelFormat::kRgb8 : PixelFormat::kGray8);
  const std::size_t row_bytes = static_cast<std::size_t>(width_) * (colour_ ? 3 : 1);
  for (int y = 0; y < height_; ++y) std::memcpy(page.row(y), RowFor(y), row_bytes);
  image_ = Image();
  pixels_.clear();
  return page;
}

}  // namespace chartscan::capture
