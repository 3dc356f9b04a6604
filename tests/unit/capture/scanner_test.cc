// Scanner capture against SANE's own virtual devices (the `test` and `pnm` backends), through
// real SANE calls. See sane_fixture.h for what the devices do.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chartscan/capture/scanner.h>

#include "sane_fixture.h"

namespace chartscan::capture {
namespace {

using sane_fixture::kPnmDevice;
using sane_fixture::kTestDevice;
using sane_fixture::PatternImage;
using sane_fixture::PnmSettings;
using sane_fixture::ScratchPath;
using sane_fixture::SmallTestScan;
using ::testing::HasSubstr;

::testing::AssertionResult SameImage(const Image& actual, const Image& expected) {
  if (actual.width() != expected.width() || actual.height() != expected.height() ||
      actual.format() != expected.format()) {
    return ::testing::AssertionFailure()
           << "geometry " << actual.width() << "x" << actual.height() << " format "
           << static_cast<int>(actual.format()) << ", expected " << expected.width() << "x"
           << expected.height() << " format " << static_cast<int>(expected.format());
  }
  for (std::size_t i = 0; i < actual.byte_size(); ++i) {
    if (actual.data()[i] != expected.data()[i]) {
      return ::testing::AssertionFailure() << "byte " << i << " is " << int{actual.data()[i]}
                                           << ", expected " << int{expected.data()[i]};
    }
  }
  return ::testing::AssertionSuccess();
}

bool OnlyBlackAndWhite(const Image& image) {
  return std::all_of(image.data(), image.data() + image.byte_size(),
                     [](std::uint8_t v) { return v == 0 || v == 255; });
}

bool HasBoth(const Image& image) {
  const auto* end = image.data() + image.byte_size();
  return std::find(image.data(), end, 0) != end && std::find(image.data(), end, 255) != end;
}

std::string WriteImage(const Image& image, const std::string& name) {
  const std::string path = ScratchPath(name);
  const Status written = sane_fixture::WritePnm(image, path);
  EXPECT_TRUE(written.ok()) << written.ToString();
  return path;
}

class VirtualScanner : public ::testing::Test {
 protected:
  void SetUp() override { sane_fixture::UseVirtualScanners(); }

  // Opens a device or fails the test; nullptr after a failure.
  static std::unique_ptr<Scanner> Open(const std::string& device, const ScanSettings& settings) {
    Result<std::unique_ptr<Scanner>> opened = Scanner::Open(device, settings);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  // The next page, which must arrive.
  static CapturedPage Page(Scanner& scanner) {
    ScanResult r = scanner.NextPage();
    EXPECT_EQ(r.fault, ScanFault::kNone) << ScanFaultName(r.fault) << ": " << r.message;
    return std::move(r.page);
  }

  static Image ScanOnce(const std::string& device, const ScanSettings& settings) {
    std::unique_ptr<Scanner> scanner = Open(device, settings);
    return scanner ? Page(*scanner).image : Image();
  }
};

// --- names, settings and advice

TEST(ScanNames, RoundTripAndRejectUnknownNames) {
  for (ScanSource s :
       {ScanSource::kDefault, ScanSource::kFlatbed, ScanSource::kAdf, ScanSource::kAdfDuplex}) {
    EXPECT_EQ(ParseScanSource(ScanSourceName(s)), s);
  }
  for (ScanColor c : {ScanColor::kGray, ScanColor::kColor, ScanColor::kLineart}) {
    EXPECT_EQ(ParseScanColor(ScanColorName(c)), c);
  }
  EXPECT_EQ(ScanSourceName(ScanSource::kAdfDuplex), "adf-duplex");
  EXPECT_EQ(ParseScanSource("ADF"), ScanSource::kAdf);
  EXPECT_EQ(ParseScanSource("sideways"), std::nullopt);
  EXPECT_EQ(ParseScanColor("sepia"), std::nullopt);
}

TEST(ScanFaults, EveryFaultHasANameAndOneSentenceOfAdvice) {
  std::set<std::string_view> names;
  for (int f = static_cast<int>(ScanFault::kFeederEmpty); f <= static_cast<int>(ScanFault::kOther);
       ++f) {
    const auto fault = static_cast<ScanFault>(f);
    names.insert(ScanFaultName(fault));
    const std::string_view advice = ScanFaultAdvice(fault);
    EXPECT_FALSE(advice.empty()) << ScanFaultName(fault);
    EXPECT_EQ(advice.back(), '.') << ScanFaultName(fault);
  }
  EXPECT_EQ(names.size(), 11u);
  EXPECT_EQ(ScanFaultName(ScanFault::kFeederEmpty), "feeder_empty");
  EXPECT_THAT(std::string(ScanFaultAdvice(ScanFault::kJammed)), HasSubstr("Clear the paper jam"));
  EXPECT_TRUE(ScanFaultAdvice(ScanFault::kNone).empty());
}

TEST(ScanSettingsValidate, RejectsUnusableSettings) {
  EXPECT_TRUE(ScanSettings{}.Validate().ok());
  ScanSettings s;
  s.dpi = 0;
  EXPECT_EQ(s.Validate().code(), StatusCode::kInvalidArgument);
  s = {};
  s.max_page_pixels = 0;
  EXPECT_EQ(s.Validate().code(), StatusCode::kInvalidArgument);
  s = {};
  s.device_options = {{"", "1"}};
  EXPECT_EQ(s.Validate().code(), StatusCode::kInvalidArgument);
}

TEST_F(VirtualScanner, OpenRejectsInvalidSettingsBeforeTouchingTheDevice) {
  ScanSettings s;
  s.dpi = -5;
  Result<std::unique_ptr<Scanner>> opened = Scanner::Open(kTestDevice, s);
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
}

// --- listing and opening

TEST_F(VirtualScanner, ListsVirtualDevicesWithSourcesAndModes) {
  Result<std::vector<ScannerDevice>> listed = ListScanners(true);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> names;
  for (const ScannerDevice& d : *listed) names.push_back(d.name);
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("test:0", "test:1", "pnm:0", "pnm:1"));

  auto find = [&](const std::string& name) {
    return *std::find_if(listed->begin(), listed->end(),
                         [&](const ScannerDevice& d) { return d.name == name; });
  };
  const ScannerDevice test = find("test:0");
  EXPECT_EQ(test.vendor, "Noname");
  EXPECT_EQ(test.model, "frontend-tester");
  EXPECT_EQ(test.type, "virtual device");
  EXPECT_THAT(test.sources, ::testing::ElementsAre("Flatbed", "Automatic Document Feeder"));
  EXPECT_THAT(test.modes, ::testing::ElementsAre("Gray", "Color"));
  EXPECT_TRUE(test.resolution_range);
  EXPECT_THAT(test.resolutions, ::testing::ElementsAre(1, 1200));

  auto option = [](const ScannerDevice& d, const std::string& name) {
    auto it = std::find_if(d.options.begin(), d.options.end(),
                           [&](const ScannerOption& o) { return o.name == name; });
    EXPECT_NE(it, d.options.end()) << name;
    return it == d.options.end() ? ScannerOption{} : *it;
  };
  const ScannerOption picture = option(test, "test-picture");
  EXPECT_EQ(picture.type, "string");
  EXPECT_EQ(picture.value, "Solid black");
  EXPECT_THAT(picture.choices, ::testing::Contains("Grid"));
  EXPECT_TRUE(picture.settable);
  EXPECT_TRUE(picture.active);
  const ScannerOption resolution = option(test, "resolution");
  EXPECT_EQ(resolution.type, "fixed");
  EXPECT_EQ(resolution.unit, "dpi");
  EXPECT_EQ(resolution.min, 1.0);
  EXPECT_EQ(resolution.max, 1200.0);
  EXPECT_EQ(resolution.step, 1.0);
  const ScannerOption depth = option(test, "depth");
  EXPECT_EQ(depth.type, "int");
  EXPECT_THAT(depth.choices, ::testing::ElementsAre("1", "8", "16"));
  const ScannerOption order = option(test, "three-pass-order");
  EXPECT_FALSE(order.active);  // only in colour mode with three-pass
  EXPECT_TRUE(order.value.empty());
  EXPECT_TRUE(std::any_of(test.options.begin(), test.options.end(),
                          [](const ScannerOption& o) { return o.type == "group"; }));

  const ScannerDevice pnm = find("pnm:0");
  EXPECT_TRUE(pnm.sources.empty());
  EXPECT_TRUE(pnm.modes.empty());
  EXPECT_FALSE(pnm.resolution_range);
  ASSERT_FALSE(pnm.resolutions.empty());
  EXPECT_EQ(pnm.resolutions.front(), 75);
  EXPECT_EQ(pnm.resolutions.back(), 300);
  EXPECT_EQ(option(pnm, "filename").type, "string");
  const ScannerOption jammed = option(pnm, "status-jammed");
  EXPECT_EQ(jammed.type, "bool");
  EXPECT_EQ(jammed.value, "no");
}

TEST_F(VirtualScanner, ListingWithoutOptionsOpensNoDevice) {
  // pnm:0 is held, so opening it for a listing would fail; a plain listing does not try.
  std::unique_ptr<Scanner> held = Open(kPnmDevice, PnmSettings(ScratchPath("none.pgm")));
  ASSERT_NE(held, nullptr);
  Result<std::vector<ScannerDevice>> listed = ListScanners(false);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 4u);
  for (const ScannerDevice& d : *listed) {
    EXPECT_TRUE(d.sources.empty() && d.modes.empty() && d.options.empty()) << d.name;
    EXPECT_FALSE(d.model.empty()) << d.name;
  }
}

TEST_F(VirtualScanner, HeldDeviceIsListedWithoutItsOptions) {
  std::unique_ptr<Scanner> held = Open(kTestDevice, SmallTestScan());
  ASSERT_NE(held, nullptr);
  Result<std::vector<ScannerDevice>> listed = ListScanners(true);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  for (const ScannerDevice& d : *listed) {
    if (d.name == kTestDevice) {
      EXPECT_TRUE(d.options.empty());
    } else if (d.name == "test:1") {
      EXPECT_FALSE(d.options.empty());
    }
  }
}

TEST_F(VirtualScanner, EmptyDeviceNameOpensTheFirstListedDevice) {
  std::unique_ptr<Scanner> scanner = Open("", SmallTestScan());
  ASSERT_NE(scanner, nullptr);
  EXPECT_EQ(scanner->device_name(), "test:0");
}

TEST_F(VirtualScanner, UnknownDeviceIsNotFound) {
  for (const char* name : {"nosuch:0", "test:7"}) {
    Result<std::unique_ptr<Scanner>> opened = Scanner::Open(name, ScanSettings{});
    EXPECT_EQ(opened.status().code(), StatusCode::kNotFound) << opened.status().ToString();
    EXPECT_THAT(opened.status().message(), HasSubstr(name));
    EXPECT_THAT(opened.status().message(), HasSubstr("test:0"));  // what SANE does list
  }
}

TEST_F(VirtualScanner, DeviceHeldByAnotherScannerIsBusy) {
  std::unique_ptr<Scanner> first = Open(kTestDevice, SmallTestScan());
  ASSERT_NE(first, nullptr);
  Result<std::unique_ptr<Scanner>> second = Scanner::Open(kTestDevice, SmallTestScan());
  EXPECT_EQ(second.status().code(), StatusCode::kBusy) << second.status().ToString();
  first.reset();  // closing releases the device
  EXPECT_NE(Open(kTestDevice, SmallTestScan()), nullptr);
}

TEST_F(VirtualScanner, UnknownSourceListsWhatTheDeviceOffers) {
  Result<std::unique_ptr<Scanner>> duplex =
      Scanner::Open(kTestDevice, SmallTestScan(ScanSource::kAdfDuplex));
  EXPECT_EQ(duplex.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(duplex.status().message(), HasSubstr("adf-duplex"));
  EXPECT_THAT(duplex.status().message(), HasSubstr("Flatbed, Automatic Document Feeder"));

  ScanSettings flatbed = PnmSettings(ScratchPath("none.pgm"));
  flatbed.source = ScanSource::kFlatbed;
  Result<std::unique_ptr<Scanner>> pnm = Scanner::Open(kPnmDevice, flatbed);
  EXPECT_EQ(pnm.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(pnm.status().message(), HasSubstr("no choice of source"));
}

TEST_F(VirtualScanner, BadDeviceOptionsAreInvalidAndSayWhy) {
  struct Case {
    std::string name, value, expected;
  };
  for (const Case& c : std::vector<Case>{
           {"no-such-option", "1", "unknown option 'no-such-option'"},
           {"test-picture", "Plaid", "choices: Solid black, Solid white, Color pattern, Grid"},
           {"br-x", "500", "range 0..200"},
           {"br-x", "wide", "takes a number"},
           {"depth", "12", "choices: 1, 8, 16"},
           {"hand-scanner", "maybe", "takes yes or no"},
           {"three-pass-order", "RGB", "inactive"},
       }) {
    ScanSettings s = SmallTestScan();
    s.device_options.emplace_back(c.name, c.value);
    Result<std::unique_ptr<Scanner>> opened = Scanner::Open(kTestDevice, s);
    EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(opened.status().message(), HasSubstr(c.expected)) << c.name;
    EXPECT_THAT(opened.status().message(), HasSubstr("test:0")) << c.name;
  }
}

TEST_F(VirtualScanner, DeviceOptionsMatchChoicesCaseInsensitively) {
  ScanSettings s = SmallTestScan();
  s.device_options = {{"br-x", "20"}, {"br-y", "20"}, {"test-picture", "solid WHITE"}};
  const Image page = ScanOnce(kTestDevice, s);
  ASSERT_FALSE(page.empty());
  EXPECT_TRUE(std::all_of(page.data(), page.data() + page.byte_size(),
                          [](std::uint8_t v) { return v == 255; }));
}

// --- sources and sessions

TEST_F(VirtualScanner, FlatbedGivesOnePagePerSession) {
  std::unique_ptr<Scanner> scanner = Open(kTestDevice, SmallTestScan(ScanSource::kFlatbed));
  ASSERT_NE(scanner, nullptr);
  EXPECT_TRUE(scanner->flatbed());
  EXPECT_FALSE(scanner->duplex());
  const CapturedPage first = Page(*scanner);
  EXPECT_EQ(first.index, 0);
  EXPECT_EQ(first.image.width(), 39);
  EXPECT_EQ(first.image.height(), 39);
  EXPECT_EQ(first.image.format(), PixelFormat::kGray8);

  ScanResult end = scanner->NextPage();
  EXPECT_EQ(end.fault, ScanFault::kFeederEmpty);
  EXPECT_THAT(end.message, HasSubstr("test:0"));
  EXPECT_TRUE(end.page.image.empty());

  // The next session: the operator put the next page on the glass.
  const CapturedPage again = Page(*scanner);
  EXPECT_EQ(again.index, 0);
  EXPECT_TRUE(SameImage(again.image, first.image));
}

TEST_F(VirtualScanner, DefaultSourceIsLeftAsTheDeviceHasIt) {
  // The test device keeps its source from one open to the next.
  for (ScanSource source : {ScanSource::kAdf, ScanSource::kFlatbed}) {
    ASSERT_NE(Open(kTestDevice, SmallTestScan(source)), nullptr);
    std::unique_ptr<Scanner> scanner = Open(kTestDevice, SmallTestScan(ScanSource::kDefault));
    ASSERT_NE(scanner, nullptr);
    EXPECT_EQ(scanner->flatbed(), source == ScanSource::kFlatbed);
  }
}

TEST_F(VirtualScanner, AdfFeedsTenPagesThenReportsFeederEmpty) {
  std::unique_ptr<Scanner> scanner = Open(kTestDevice, SmallTestScan(ScanSource::kAdf));
  ASSERT_NE(scanner, nullptr);
  EXPECT_FALSE(scanner->flatbed());
  EXPECT_FALSE(scanner->duplex());
  Image first;
  for (int i = 0; i < 10; ++i) {
    ScanResult r = scanner->NextPage();
    ASSERT_EQ(r.fault, ScanFault::kNone) << "page " << i << ": " << r.message;
    EXPECT_EQ(r.page.index, i);
    EXPECT_FALSE(r.back_side);
    EXPECT_EQ(r.page.resolution, (Resolution{50, 50}));
    if (i == 0) first = Image::CopyOf(r.page.image.view());
    EXPECT_TRUE(SameImage(r.page.image, first)) << "page " << i;
  }
  ScanResult empty = scanner->NextPage();
  EXPECT_EQ(empty.fault, ScanFault::kFeederEmpty);
  EXPECT_THAT(empty.message, HasSubstr("test:0"));
  EXPECT_THAT(empty.message, HasSubstr("out of documents"));
  EXPECT_THAT(std::string(ScanFaultAdvice(empty.fault)), HasSubstr("feeder"));

  // The operator reloads the feeder: a new session, numbered from 0 again.
  ScanResult reloaded = scanner->NextPage();
  ASSERT_EQ(reloaded.fault, ScanFault::kNone) << reloaded.message;
  EXPECT_EQ(reloaded.page.index, 0);
}

// Faults are simulated with the pnm device only. The test device's read-return-value makes the
// first sane_read fail at once, and the sane_cancel that must follow then races its reader
// thread, which SANE cancels asynchronously while it allocates its picture: the thread dies
// holding the allocator's lock and sane_cancel hangs joining it (seen in one run in a few).

// --- the pnm device: a given image, and simulated faults

TEST_F(VirtualScanner, PnmFeedsTheGivenImage) {
  for (PixelFormat format : {PixelFormat::kRgb8, PixelFormat::kGray8}) {
    const Image image = PatternImage(37, 23, format);
    const std::string path = WriteImage(image, "given.pnm");
    std::unique_ptr<Scanner> scanner = Open(kPnmDevice, PnmSettings(path));
    ASSERT_NE(scanner, nullptr);
    EXPECT_FALSE(scanner->flatbed());  // no source option: fed until it says it is empty
    const CapturedPage page = Page(*scanner);
    EXPECT_TRUE(SameImage(page.image, image));
    EXPECT_FALSE(page.bilevel);
    EXPECT_EQ(page.index, 0);

    // pnm answers the next sane_start of the batch with EOF: its one page is done.
    ScanResult end = scanner->NextPage();
    EXPECT_EQ(end.fault, ScanFault::kFeederEmpty) << end.message;
    EXPECT_THAT(end.message, HasSubstr("pnm:0"));
  }
}

TEST_F(VirtualScanner, ChangingAnOptionBetweenPagesTakesEffectOnTheNextPage) {
  const Image a = PatternImage(20, 10, PixelFormat::kGray8);
  const Image b = PatternImage(15, 30, PixelFormat::kRgb8);
  std::unique_ptr<Scanner> scanner = Open(kPnmDevice, PnmSettings(WriteImage(a, "a.pgm")));
  ASSERT_NE(scanner, nullptr);
  EXPECT_TRUE(SameImage(Page(*scanner).image, a));
  ASSERT_TRUE(scanner->SetOption("filename", WriteImage(b, "b.ppm")).ok());
  const CapturedPage second = Page(*scanner);
  EXPECT_TRUE(SameImage(second.image, b));
  EXPECT_EQ(second.index, 1);
}

TEST_F(VirtualScanner, SetOptionErrorsSayWhatIsWrong) {
  std::unique_ptr<Scanner> scanner = Open(kPnmDevice, PnmSettings(ScratchPath("none.pgm")));
  ASSERT_NE(scanner, nullptr);
  EXPECT_EQ(scanner->SetOption("no-such-option", "1").code(), StatusCode::kInvalidArgument);
  const Status bad = scanner->SetOption("resolution", "123");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("choices: 75, 90, 100"));
}

struct PnmFaultCase {
  const char* option;
  ScanFault fault;
  const char* sane_says;
};

void PrintTo(const PnmFaultCase& c, std::ostream* os) { *os << c.option; }

class PnmFault : public VirtualScanner, public ::testing::WithParamInterface<PnmFaultCase> {};

TEST_P(PnmFault, ReportedWithAdviceAndClearedByTheOperator) {
  const PnmFaultCase& c = GetParam();
  const Image image = PatternImage(12, 9, PixelFormat::kGray8);
  ScanSettings s = PnmSettings(WriteImage(image, "fault.pgm"));
  s.device_options.emplace_back(c.option, "yes");
  std::unique_ptr<Scanner> scanner = Open(kPnmDevice, s);
  ASSERT_NE(scanner, nullptr);

  ScanResult r = scanner->NextPage();
  EXPECT_EQ(r.fault, c.fault) << r.message;
  EXPECT_THAT(r.message, HasSubstr("pnm:0"));
  EXPECT_THAT(r.message, HasSubstr(c.sane_says));
  EXPECT_FALSE(ScanFaultAdvice(r.fault).empty());
  EXPECT_TRUE(r.page.image.empty());

  ASSERT_TRUE(scanner->SetOption(c.option, "no").ok());
  EXPECT_TRUE(SameImage(Page(*scanner).image, image));
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, PnmFault,
    ::testing::Values(PnmFaultCase{"status-jammed", ScanFault::kJammed, "jammed"},
                      PnmFaultCase{"status-coveropen", ScanFault::kCoverOpen, "cover"},
                      PnmFaultCase{"status-ioerror", ScanFault::kIoError, "I/O"},
                      PnmFaultCase{"status-nodocs", ScanFault::kFeederEmpty, "out of documents"},
                      PnmFaultCase{"status-eof", ScanFault::kFeederEmpty,
                                   "before sending any data"},
                      PnmFaultCase{"status-nomem", ScanFault::kNoMemory, "memory"},
                      PnmFaultCase{"status-accessdenied", ScanFault::kAccessDenied, "denied"}),
    [](const ::testing::TestParamInfo<PnmFaultCase>& param) {
      std::string name = param.param.option;
      name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
      return name;
    });

TEST_F(VirtualScanner, PageScannedBeforeAJamIsCompleteAndTheSessionGoesOn) {
  const Image image = PatternImage(31, 17, PixelFormat::kRgb8);
  std::unique_ptr<Scanner> scanner = Open(kPnmDevice, PnmSettings(WriteImage(image, "p.ppm")));
  ASSERT_NE(scanner, nullptr);
  const CapturedPage before = Page(*scanner);
  ASSERT_TRUE(scanner->SetOption("status-jammed", "yes").ok());
  ScanResult jam = scanner->NextPage();
  EXPECT_EQ(jam.fault, ScanFault::kJammed);
  EXPECT_TRUE(jam.page.image.empty());
  EXPECT_TRUE(SameImage(before.image, image));

  // The operator clears the jam and feeds the sheet again: the session and its numbering go on.
  ASSERT_TRUE(scanner->SetOption("status-jammed", "no").ok());
  const CapturedPage after = Page(*scanner);
  EXPECT_EQ(after.index, 1);
  EXPECT_TRUE(SameImage(after.image, image));
}

// --- pixels: depths, modes, frames

TEST_F(VirtualScanner, LineartArrivesBilevel) {
  std::unique_ptr<Scanner> scanner =
      Open(kTestDevice, SmallTestScan(ScanSource::kFlatbed, ScanColor::kLineart));
  ASSERT_NE(scanner, nullptr);
  const CapturedPage lineart = Page(*scanner);  // grey at 1 bit: the test device has no lineart
  scanner.reset();
  EXPECT_TRUE(lineart.bilevel);
  EXPECT_EQ(lineart.image.format(), PixelFormat::kGray8);
  EXPECT_TRUE(OnlyBlackAndWhite(lineart.image));
  EXPECT_TRUE(HasBoth(lineart.image));
  // The grid at 8 bits is black and white too: the same pixels, set bits read as black and the
  // junk the test device puts in each line's padding bits ignored.
  const Image grey = ScanOnce(kTestDevice, SmallTestScan());
  EXPECT_TRUE(SameImage(lineart.image, grey));
}

TEST_F(VirtualScanner, PbmFileArrivesBilevelWithItsPixels) {
  Image image = PatternImage(21, 13, PixelFormat::kGray8);
  for (std::size_t i = 0; i < image.byte_size(); ++i)
    image.data()[i] = image.data()[i] < 128 ? 0 : 255;
  const std::string path = ScratchPath("bits.pbm");
  ASSERT_TRUE(sane_fixture::WritePbm(image, path).ok());
  std::unique_ptr<Scanner> scanner = Open(kPnmDevice, PnmSettings(path));
  ASSERT_NE(scanner, nullptr);
  const CapturedPage page = Page(*scanner);
  EXPECT_TRUE(page.bilevel);
  EXPECT_TRUE(SameImage(page.image, image));
}

TEST_F(VirtualScanner, SixteenBitIsScaledToEightBits) {
  ScanSettings sixteen = SmallTestScan();
  sixteen.device_options.emplace_back("depth", "16");
  EXPECT_TRUE(SameImage(ScanOnce(kTestDevice, sixteen), ScanOnce(kTestDevice, SmallTestScan())));

  // The grid is 0 and 65535 only, which any byte order reads alike. The test device's 16-bit
  // colour pattern is not: on this 39-pixel line 5 it holds 0x5555 four times, then a ramp of
  // 256 * k + 1. Native byte order, rounded, gives 0x55 and then k (the other order would give
  // 1, 1, 1...).
  sixteen.device_options.emplace_back("test-picture", "Color pattern");
  const Image pattern = ScanOnce(kTestDevice, sixteen);
  ASSERT_EQ(pattern.width(), 39);
  const std::uint8_t* row = pattern.data() + 5 * pattern.width();
  EXPECT_EQ(row[0], 0x55);
  EXPECT_EQ(row[3], 0x55);
  for (int x = 4; x < 24; ++x) EXPECT_EQ(row[x], x - 4) << "pixel " << x;
}

TEST_F(VirtualScanner, ColourScanArrivesAsRgb) {
  ScanSettings colour = SmallTestScan(ScanSource::kFlatbed, ScanColor::kColor);
  colour.device_options.emplace_back("three-pass", "no");
  colour.device_options.emplace_back("test-picture", "Color pattern");
  const Image image = ScanOnce(kTestDevice, colour);
  EXPECT_EQ(image.format(), PixelFormat::kRgb8);
  EXPECT_EQ(image.width(), 39);
  ScanSettings sixteen = colour;
  sixteen.device_options.emplace_back("depth", "16");
  const Image deep = ScanOnce(kTestDevice, sixteen);
  EXPECT_EQ(deep.format(), PixelFormat::kRgb8);
  EXPECT_EQ(deep.width(), 39);
}

TEST_F(VirtualScanner, OneBitColourBitsAreFullIntensity) {
  for (const char* picture : {"Solid white", "Solid black"}) {
    ScanSettings s = SmallTestScan(ScanSource::kFlatbed, ScanColor::kColor);
    s.device_options.emplace_back("three-pass", "no");
    s.device_options.emplace_back("depth", "1");
    s.device_options.emplace_back("test-picture", picture);
    const Image image = ScanOnce(kTestDevice, s);
    ASSERT_EQ(image.format(), PixelFormat::kRgb8);
    const std::uint8_t expected = std::string(picture) == "Solid white" ? 255 : 0;
    EXPECT_TRUE(std::all_of(image.data(), image.data() + image.byte_size(), [&](std::uint8_t v) {
      return v == expected;
    })) << picture;
  }
}

TEST_F(VirtualScanner, ThreePassColourIsAssembled) {
  ScanSettings single = SmallTestScan(ScanSource::kFlatbed, ScanColor::kColor);
  single.device_options.emplace_back("three-pass", "no");
  single.device_options.emplace_back("test-picture", "Color pattern");
  const Image expected = ScanOnce(kTestDevice, single);
  ASSERT_FALSE(expected.empty());
  for (const char* order : {"RGB", "GBR", "BRG"}) {
    ScanSettings three = single;
    three.device_options.emplace_back("three-pass", "yes");
    three.device_options.emplace_back("three-pass-order", order);
    EXPECT_TRUE(SameImage(ScanOnce(kTestDevice, three), expected)) << order;
  }

  // pnm sends green, blue, then red.
  const Image image = PatternImage(19, 11, PixelFormat::kRgb8);
  ScanSettings pnm = PnmSettings(WriteImage(image, "three.ppm"));
  pnm.device_options.emplace_back("three-pass", "yes");
  std::unique_ptr<Scanner> scanner = Open(kPnmDevice, pnm);
  ASSERT_NE(scanner, nullptr);
  EXPECT_TRUE(SameImage(Page(*scanner).image, image));
  EXPECT_EQ(scanner->NextPage().fault, ScanFault::kFeederEmpty);
  EXPECT_TRUE(SameImage(Page(*scanner).image, image));  // a new batch starts at the first pass
}

TEST_F(VirtualScanner, HandScannerOfUnknownHeight) {
  const Image image = PatternImage(26, 41, PixelFormat::kRgb8);
  ScanSettings pnm = PnmSettings(WriteImage(image, "hand.ppm"));
  pnm.device_options.emplace_back("hand-scanner", "yes");
  std::unique_ptr<Scanner> scanner = Open(kPnmDevice, pnm);
  ASSERT_NE(scanner, nullptr);
  EXPECT_TRUE(SameImage(Page(*scanner).image, image));
  ASSERT_TRUE(scanner->SetOption("three-pass", "yes").ok());  // three frames, none of known height
  EXPECT_TRUE(SameImage(Page(*scanner).image, image));
  scanner.reset();

  // The test device's hand scanner is 110 mm wide and stops after 170 mm.
  ScanSettings test = SmallTestScan();
  test.dpi = 20;
  test.device_options.emplace_back("hand-scanner", "yes");
  const Image hand = ScanOnce(kTestDevice, test);
  EXPECT_EQ(hand.width(), 86);
  EXPECT_EQ(hand.height(), 133);
}

TEST_F(VirtualScanner, PaddingAtTheEndOfLinesIsSkipped) {
  const Image full = ScanOnce(kTestDevice, SmallTestScan());
  ScanSettings lossy = SmallTestScan();
  lossy.device_options.emplace_back("ppl-loss", "5");  // same bytes per line, 5 pixels fewer
  const Image cropped = ScanOnce(kTestDevice, lossy);
  ASSERT_EQ(cropped.width(), full.width() - 5);
  ASSERT_EQ(cropped.height(), full.height());
  for (int y = 0; y < full.height(); ++y) {
    EXPECT_TRUE(std::equal(cropped.data() + y * cropped.width(),
                           cropped.data() + (y + 1) * cropped.width(),
                           full.data() + y * full.width()))
        << "line " << y;
  }
}

TEST_F(VirtualScanner, ResolutionIsTheNearestOffered) {
  const std::string path = WriteImage(PatternImage(8, 8, PixelFormat::kGray8), "res.pgm");
  struct Case {
    int dpi;
    double expected;
  };
  // pnm offers 75, 90, 100, 120, 135, ... 300 (a word list; a tie goes to the larger).
  for (const Case& c : {Case{170, 165}, Case{1000, 300}, Case{10, 75}, Case{110, 120}}) {
    ScanSettings s = PnmSettings(path);
    s.dpi = c.dpi;
    std::unique_ptr<Scanner> scanner = Open(kPnmDevice, s);
    ASSERT_NE(scanner, nullptr);
    EXPECT_EQ(Page(*scanner).resolution, (Resolution{c.expected, c.expected})) << c.dpi;
  }
  // A device option names the resolution outright.
  ScanSettings named = PnmSettings(path);
  named.device_options.emplace_back("resolution", "200");
  std::unique_ptr<Scanner> scanner = Open(kPnmDevice, named);
  ASSERT_NE(scanner, nullptr);
  EXPECT_EQ(Page(*scanner).resolution, (Resolution{200, 200}));
  scanner.reset();

  // The test device offers a fixed-point range 1..1200.
  ScanSettings high = SmallTestScan();
  high.dpi = 5000;
  high.device_options.emplace_back("br-x", "1");
  high.device_options.emplace_back("br-y", "1");
  std::unique_ptr<Scanner> test = Open(kTestDevice, high);
  ASSERT_NE(test, nullptr);
  const CapturedPage page = Page(*test);
  EXPECT_EQ(page.resolution, (Resolution{1200, 1200}));
  EXPECT_EQ(page.image.width(), 47);  // 1 mm at 1200 dpi
}

TEST_F(VirtualScanner, FrameLargerThanTheLimitIsRefusedBeforeReading) {
  ScanSettings s = PnmSettings(WriteImage(PatternImage(30, 30, PixelFormat::kGray8), "big.pgm"));
  s.max_page_pixels = 500;
  std::unique_ptr<Scanner> scanner = Open(kPnmDevice, s);
  ASSERT_NE(scanner, nullptr);
  ScanResult r = scanner->NextPage();
  EXPECT_EQ(r.fault, ScanFault::kTooLarge);
  EXPECT_THAT(r.message, HasSubstr("500"));

  // A hand scanner does not say its height: the page is refused once it grows past the limit.
  ASSERT_TRUE(scanner->SetOption("hand-scanner", "yes").ok());
  EXPECT_EQ(scanner->NextPage().fault, ScanFault::kTooLarge);
}

// --- cancelling

TEST_F(VirtualScanner, CancelFromAnotherThread) {
  // 300 dpi over 80 x 100 mm, one 64 KiB buffer every 200 ms: about 3.5 s for the page.
  ScanSettings slow = SmallTestScan();
  slow.dpi = 300;
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"br-x", "80"},
                                                        {"br-y", "100"},
                                                        {"read-delay", "yes"},
                                                        {"read-delay-duration", "200000"}}) {
    slow.device_options.emplace_back(name, value);
  }
  std::unique_ptr<Scanner> scanner = Open(kTestDevice, slow);
  ASSERT_NE(scanner, nullptr);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    scanner->Cancel();
  });
  ScanResult r = scanner->NextPage();
  stopper.join();
  EXPECT_EQ(r.fault, ScanFault::kCancelled) << r.message;
  EXPECT_TRUE(r.page.image.empty());

  // The device is usable afterwards.
  ASSERT_TRUE(scanner->SetOption("read-delay", "no").ok());
  const CapturedPage page = Page(*scanner);
  EXPECT_EQ(page.image.height(), 1181);
}

TEST_F(VirtualScanner, CancelBeforeThePageStartsCancelsTheNextPage) {
  std::unique_ptr<Scanner> scanner = Open(kTestDevice, SmallTestScan(ScanSource::kAdf));
  ASSERT_NE(scanner, nullptr);
  scanner->Cancel();
  EXPECT_EQ(scanner->NextPage().fault, ScanFault::kCancelled);
  EXPECT_EQ(Page(*scanner).index, 0);  // one Cancel stops one page
}

}  // namespace
}  // namespace chartscan::capture
