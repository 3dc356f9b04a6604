// Capture: pages straight from a scanner, through SANE (Scanner Access Now Easy).
//
// A Scanner drives one SANE device: Open() applies ScanSettings (source, resolution, colour, then
// backend-specific options by SANE name) and NextPage() scans one side at a time. Pages leave as
// CapturedPage, like pages read from files: 8-bit grey or RGB (16-bit samples scaled down, lineart
// expanded to 0/255 with `bilevel` set), with the resolution the device actually used.
//
// Sources and colours are matched to the names the backend uses, by keyword: "Flatbed"; "ADF",
// "ADF Front", "Automatic Document Feeder" (not "ADF Back"); "Duplex", "ADF Duplex"; modes "Gray"
// or "Grayscale", "Color", "Lineart"/"Binary"/"Black & White" (or "Halftone" when nothing better is
// offered; a device without a lineart mode but with a 1-bit `depth` scans grey at depth 1). A
// device without a mode option sends what it sends (a PNM file reader: the file's own format).
//
// Sessions: a session starts at Open() and runs until NextPage() reports kFeederEmpty; the next
// NextPage() starts a new session (the operator reloaded the feeder or put the next page on the
// glass). A flatbed session holds one page. page.index numbers the sides of a session from 0;
// a fault other than kFeederEmpty does not end the session (clear the jam and call NextPage again;
// numbering continues, and in duplex the next side is the front of a sheet again).
//
// Faults: what goes wrong at the scanner while scanning (jam, cover open, empty feeder...) is a
// ScanResult with a ScanFault and a sentence of advice for the operator, not a Status: the session
// can usually go on. Setting up a scanner (Open, SetOption, ListScanners) fails with a Status.
// Messages name the device and quote SANE's status text; they never carry image content.
//
// SANE is initialized once per process, lazily, and stays initialized for the life of the
// process (sane_exit is never called, so it can never run while a device is open). SANE reads its
// configuration (SANE_CONFIG_DIR, dll.conf) at that first initialization only.
//
// Thread safety: ListScanners and Scanner::Open may be called from any thread; SANE's device
// listing, open and close are serialized process-wide. A Scanner is used by one thread at a time,
// except Cancel(), which any thread may call while another is in NextPage(). Distinct Scanners may
// scan from distinct threads when their backends allow it (most USB backends do; the virtual
// `pnm` backend allows one open device in the process). Do not destroy a Scanner while another
// thread may still call its Cancel().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <chartscan/capture/source.h>
#include <chartscan/models/status.h>

namespace chartscan::capture {

enum class ScanSource { kDefault, kFlatbed, kAdf, kAdfDuplex };

std::string_view ScanSourceName(ScanSource s);  // "default", "flatbed", "adf", "adf-duplex"
std::optional<ScanSource> ParseScanSource(std::string_view name);

enum class ScanColor { kGray, kColor, kLineart };

std::string_view ScanColorName(ScanColor c);  // "gray", "color", "lineart"
std::optional<ScanColor> ParseScanColor(std::string_view name);

struct ScanSettings {
  ScanSource source = ScanSource::kDefault;  // kDefault: leave the device's source as it is
  int dpi = 300;                             // the nearest resolution the device offers is used
  ScanColor color = ScanColor::kGray;
  // Backend-specific options set after the above, by SANE option name, value as text
  // ("filename" -> "/x.pnm", "status-jammed" -> "yes", "resolution" -> "200"). Booleans take
  // yes/no, true/false, on/off or 1/0; numbers are decimal (fixed-point options take fractions);
  // array options take comma-separated values (one value fills the array); string lists match
  // case-insensitively; a button is pressed whatever the value.
  std::vector<std::pair<std::string, std::string>> device_options;
  std::int64_t max_page_pixels = 400'000'000;  // larger frames are refused (kTooLarge fault)

  // kInvalidArgument when dpi lies outside [1, 19200], max_page_pixels is not positive, an
  // enumerator is out of range or a device option has an empty name.
  Status Validate() const;
};

struct ScannerOption {  // one option as `chartscan scanners` shows it
  std::string name, title, type /* "bool","int","fixed","string","button","group" */, unit;
  std::vector<std::string> choices;      // word or string list constraint
  std::optional<double> min, max, step;  // range constraint (step absent when unquantized)
  std::string value;  // current value as text, empty when inactive or unreadable (arrays:
                      // comma-separated; the same text SetOption accepts)
  bool settable = false, active = false;
};

struct ScannerDevice {
  std::string name, vendor, model, type;
  // The fields below are filled only when the device was opened (ListScanners with_options).
  std::vector<std::string> sources;  // as the backend names them ("Flatbed", "ADF Duplex"...)
  std::vector<int> resolutions;      // word-list constraint, or {min, max} for a range
  bool resolution_range = false;
  std::vector<std::string> modes;      // "Gray", "Color", "Lineart"...
  std::vector<ScannerOption> options;  // every option, when asked for
};

enum class ScanFault {
  kNone,
  kFeederEmpty,
  kJammed,
  kCoverOpen,
  kIoError,
  kDeviceBusy,
  kDeviceGone,
  kNoMemory,
  kAccessDenied,
  kCancelled,
  kTooLarge,
  kOther
};

// "none", "feeder_empty", "jammed", "cover_open", "io_error", "device_busy", "device_gone",
// "no_memory", "access_denied", "cancelled", "too_large", "other".
std::string_view ScanFaultName(ScanFault f);
// One sentence telling the operator what to do ("Clear the paper jam, put the unscanned sheets
// back..."); empty for kNone.
std::string_view ScanFaultAdvice(ScanFault f);

struct ScanResult {
  ScanFault fault = ScanFault::kNone;
  std::string message;  // when fault != kNone: device name and what SANE said; never image content
  CapturedPage page;    // when fault == kNone. page.index = 0-based side number in this session;
                        // image kGray8 or kRgb8; lineart expanded to 0/255 with bilevel = true;
                        // page.resolution = the resolution the device actually used (0 = unknown)
  bool back_side = false;  // duplex: the back of a sheet (sides alternate front, back)
};

// Every device SANE knows. kUnavailable when SANE cannot be initialized. with_options: also
// open each device to read its sources, modes, resolutions and options (a device that cannot be
// opened, e.g. one held by a Scanner, is listed without them). Without it no device is opened.
Result<std::vector<ScannerDevice>> ListScanners(bool with_options);

class Scanner {
 public:
  // Opens `device` (empty: the first device SANE lists) and applies settings. kNotFound for an
  // unknown device (or none at all), kBusy when the device is held by another program (or another
  // Scanner), kInvalidArgument for settings that fail Validate(), a source or mode the device does
  // not offer (message lists what it offers) or an unknown, inactive or read-only device option or
  // a value it refuses, kUnavailable when SANE cannot be initialized or the device refuses to open.
  // Options the settings do not name keep the value the device holds: a backend may keep values
  // from one Open of a device to the next within a process (SANE's test and pnm backends do).
  static Result<std::unique_ptr<Scanner>> Open(const std::string& device,
                                               const ScanSettings& settings);
  virtual ~Scanner() = default;  // ends any scan in progress and closes the device

  virtual const std::string& device_name() const = 0;
  virtual bool duplex() const = 0;  // the source in use feeds both sides
  // The source in use is a flatbed (or another source that is not a feeder: film, transparency
  // unit): one page per session. A device without a source option is fed like a feeder.
  virtual bool flatbed() const = 0;

  // Scans the next page. Blocks while the page is read. Feeder empty is reported as kFeederEmpty
  // (from sane_start or from a read that returns SANE_STATUS_NO_DOCS before any data); a fault
  // mid-page discards the partial page. On a flatbed source, the call after the first page
  // returns kFeederEmpty. A device without a source option is fed until it says NO_DOCS (or EOF
  // at the start of a page, as SANE's pnm file reader does after its one page).
  virtual ScanResult NextPage() = 0;

  // Sets a backend option by SANE name between pages (text value parsed by the option's type, as
  // in ScanSettings::device_options). The device's batch in progress is ended first (sane_cancel),
  // since backends read their options when a batch starts; the session and its numbering go on.
  // Errors as for Open's device options; kBusy when the device refuses while busy.
  virtual Status SetOption(const std::string& name, const std::string& value) = 0;

  // Thread-safe: may be called from another thread (or a signal-handling thread) to stop the page
  // being read; NextPage then returns kCancelled. Calls sane_cancel at once, as the SANE standard
  // allows from any thread. A Cancel that arrives while no page is being read cancels the next
  // NextPage call instead (so a stop request racing with the start of a page is never lost).
  virtual void Cancel() = 0;
};

}  // namespace chartscan::capture
