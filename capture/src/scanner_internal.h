// Pieces of scanner capture that need no SANE types: matching our sources and colours to the
// names a backend uses (scanner.cc), and turning the raw frames a backend sends into a page
// (scan_frames.cc). Private to the capture stage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/capture/scanner.h>
#include <chartscan/models/image.h>
#include <chartscan/models/status.h>

namespace chartscan::capture {

// --- scanner.cc: backend names by keyword (case-insensitive)

bool IsFlatbedSourceName(std::string_view name);  // "Flatbed"
bool IsDuplexSourceName(std::string_view name);   // "Duplex", "ADF Duplex"
// "ADF", "ADF Front", "Automatic Document Feeder"; not "ADF Back" nor a duplex source.
bool IsFeederSourceName(std::string_view name);

// The index in `offered` of the backend's name for `source` (never kDefault), or nullopt.
std::optional<std::size_t> MatchSource(ScanSource source, const std::vector<std::string>& offered);
// The index in `offered` of the backend's mode for `color`, or nullopt. An exact name ("Gray",
// "Color", "Lineart") beats a longer one containing it ("Gray 16"); "Halftone" stands in for
// lineart only when nothing else does.
std::optional<std::size_t> MatchMode(ScanColor color, const std::vector<std::string>& offered);

// "a, b, c"
std::string JoinNames(const std::vector<std::string>& names);

// --- scan_frames.cc: SANE frames to pixels

// What SANE_Parameters says about one frame, in our own terms.
enum class FrameKind { kGray, kRgb, kRed, kGreen, kBlue };

struct FrameLayout {
  FrameKind kind = FrameKind::kGray;
  int depth = 8;  // bits per sample: 1, 8 or 16
  int pixels_per_line = 0;
  int bytes_per_line = 0;  // may exceed what the pixels need (padding is skipped)
  int lines = 0;           // -1: unknown until the frame ends (hand scanners)
};

// Assembles one page from the frames of one scan: a single grey or RGB frame, or the red, green
// and blue frames of a three-pass scanner, in any order. Bytes are fed as sane_read returns them;
// each complete line is converted to 8 bits at once, so no raw copy of the page is kept.
//
// Sample conventions (SANE standard): 16-bit samples in native byte order, scaled to 8 bits with
// rounding; in 1-bit grey frames a set bit is black, in 1-bit colour frames a set bit is full
// intensity; bits are packed most significant first, colour bits interleaved R, G, B per pixel.
// Grey 1-bit frames give a bilevel page (0 and 255 only).
class PageBuilder {
 public:
  explicit PageBuilder(std::int64_t max_page_pixels) : max_page_pixels_(max_page_pixels) {}

  // Starts a frame. kUnsupported for a depth other than 1, 8, 16 or a mix of grey and colour
  // frames, kCorrupt for impossible geometry (bytes_per_line shorter than the pixels need, a
  // colour frame sent twice, three-pass frames of different widths), kTooLarge when the frame's
  // known size exceeds max_page_pixels. Checked before anything is allocated.
  Status BeginFrame(const FrameLayout& layout);
  // Feeds bytes of the current frame. Bytes beyond the announced lines are ignored. kTooLarge
  // when a frame of unknown height grows past max_page_pixels.
  Status Feed(const std::uint8_t* data, std::size_t size);
  // Ends the current frame. A frame that ends early keeps its complete lines (some backends
  // announce the longest page a feeder takes); a trailing partial line is dropped.
  void EndFrame();

  std::int64_t frame_bytes() const { return frame_bytes_; }  // fed into the current frame
  bool expects_more_frames() const;  // a three-pass page still misses a colour

  // The page: kGray8 or kRgb8, as tall as the shortest frame. kCorrupt when no complete line
  // arrived or a three-pass page misses a colour.
  Result<Image> Finish(bool* bilevel);

 private:
  Status EmitLine(const std::uint8_t* src);  // one complete raw line of the current frame
  void ConvertLine(const std::uint8_t* src, std::uint8_t* dst) const;
  std::uint8_t* RowFor(int y);  // row y of the page being built

  std::int64_t max_page_pixels_;
  FrameLayout frame_;
  bool started_ = false;
  bool colour_ = false;    // page is RGB
  bool bilevel_ = true;    // every frame so far was 1-bit grey
  unsigned channels_ = 0;  // bit per colour received (three-pass)
  int width_ = 0;
  int height_ = -1;      // lines in the page so far (shortest frame); -1 before the first end
  int frame_lines_ = 0;  // complete lines of the current frame
  std::int64_t frame_bytes_ = 0;
  Image image_;                        // the page, when the first frame announced its height
  std::vector<std::uint8_t> pixels_;   // otherwise the rows so far, width_ * (colour_ ? 3 : 1) each
  std::vector<std::uint8_t> partial_;  // bytes of a line not complete yet
};

}  // namespace chartscan::capture
