// Virtual scanners for tests: SANE's own `test` and `pnm` backends (from libsane1), in a SANE
// configuration owned by the test process. Real SANE calls, no mocks; no real scanner is probed.
//
// SANE reads its configuration once, when it is first initialized in a process (the first
// capture::ListScanners or capture::Scanner::Open). UseVirtualScanners() must run before that:
// call it at the start of every test that scans (it is idempotent and thread-safe), or register
// VirtualScannersEnvironment with ::testing::AddGlobalTestEnvironment in a main of your own. It
// creates a fresh temporary folder (removed at exit) holding a dll.conf that loads only `pnm` and
// `test`, and points SANE_CONFIG_DIR at it (without a trailing ':', so /etc/sane.d is ignored).
//
// The devices then, in the order SANE lists them:
//   test:0, test:1  frontend testers: source Flatbed | Automatic Document Feeder (empty after 10
//                   pages; the 12th page comes again), mode Gray | Color, depth 1 | 8 | 16,
//                   resolution 1..1200 dpi (fixed point), test-picture "Solid black" (default) |
//                   "Solid white" | "Color pattern" | "Grid", three-pass, hand-scanner,
//                   read-return-value (a SANE status every sane_read returns, before any data),
//                   read-delay, geometry tl-x, tl-y, br-x, br-y in mm (default 80 x 100 mm).
//   pnm:0, pnm:1    read the binary PGM (P5), PPM (P6) or PBM (P4) file named by the `filename`
//                   option, one page per batch; status-jammed, status-coveropen, status-ioerror,
//                   status-nodocs, status-eof... make every sane_read fail before any data. Only
//                   one pnm device can be open in a process at a time.
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include <chartscan/capture/scanner.h>
#include <chartscan/models/image.h>
#include <chartscan/models/status.h>

namespace chartscan::capture::sane_fixture {

inline constexpr char kTestDevice[] = "test:0";
inline constexpr char kPnmDevice[] = "pnm:0";

// Sets up the virtual scanners (see above) and returns the configuration folder.
const std::string& UseVirtualScanners();

class VirtualScannersEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { UseVirtualScanners(); }
};

// A path for `file_name` inside the fixture's folder (sets the fixture up if needed).
std::string ScratchPath(std::string_view file_name);

// Writes `image` as binary PGM (kGray8) or PPM (kRgb8), maxval 255, for the pnm device.
Status WritePnm(const Image& image, const std::string& path);
// Writes a kGray8 `image` as binary PBM: pixels below 128 become black (set bits).
Status WritePbm(const Image& image, const std::string& path);

// A deterministic image whose pixels differ from their neighbours and across channels, so that
// a dropped byte, a swapped channel or a skipped padding byte shows.
Image PatternImage(int width, int height, PixelFormat format);

// Both backends keep their option values from one open of a device to the next within a process
// (they set them up in sane_init, which runs once), so the settings below also put back the
// options a test may have changed before. Append device options to change more.

// Settings that make the pnm device feed the file at `path`, with no simulated fault, one pass,
// known height and no brightness, contrast or gamma change (pixels arrive as in the file).
ScanSettings PnmSettings(const std::string& path);

// Settings for a fast scan on the test device: 50 dpi and a 20 x 20 mm area (39 x 39 pixels),
// test-picture "Grid" (black and white squares of 10 mm), no simulated fault, delay or hand
// scanner, at most 100 bytes per sane_read (see sane_fixture.cc for why). (three-pass can only
// be set in colour mode: append {"three-pass", "no"} there.)
ScanSettings SmallTestScan(ScanSource source = ScanSource::kFlatbed,
                           ScanColor color = ScanColor::kGray);

}  // namespace chartscan::capture::sane_fixture
