// The parts of scanner capture that need no SANE: names, settings, operator advice, and matching
// our sources and colours to a backend's own names. Backends name things freely ("ADF Front",
// "Automatic Document Feeder(left aligned,Duplex)", "Grayscale", "Black & White"), so names are
// matched by keyword, case-insensitively, in the order the backend lists them.
#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string>

#include <chartscan/capture/scanner.h>

#include "scanner_internal.h"

namespace chartscan::capture {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ContainsAny(const std::string& lower, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return lower.find(w) != std::string::npos; });
}

bool EqualsAny(const std::string& lower, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return lower == w; });
}

// A grey or colour mode that is dithered or bilevel is not what "gray" or "color" asks for.
bool IsDithered(const std::string& lower) {
  return ContainsAny(lower, {"halftone", "dither", "diffusion", "lineart", "binary"});
}

}  // namespace

std::string_view ScanSourceName(ScanSource s) {
  switch (s) {
    case ScanSource::kDefault:
      return "default";
    case ScanSource::kFlatbed:
      return "flatbed";
    case ScanSource::kAdf:
      return "adf";
    case ScanSource::kAdfDuplex:
      return "adf-duplex";
  }
  return "default";
}

std::optional<ScanSource> ParseScanSource(std::string_view name) {
  for (ScanSource s :
       {ScanSource::kDefault, ScanSource::kFlatbed, ScanSource::kAdf, ScanSource::kAdfDuplex}) {
    if (Lower(name) == ScanSourceName(s)) return s;
  }
  return std::nullopt;
}

std::string_view ScanColorName(ScanColor c) {
  switch (c) {
    case ScanColor::kGray:
      return "gray";
    case ScanColor::kColor:
      return "color";
    case ScanColor::kLineart:
      return "lineart";
  }
  return "gray";
}

std::optional<ScanColor> ParseScanColor(std::string_view name) {
  for (ScanColor c : {ScanColor::kGray, ScanColor::kColor, ScanColor::kLineart}) {
    if (Lower(name) == ScanColorName(c)) return c;
  }
  return std::nullopt;
}

Status ScanSettings::Validate() const {
  auto bad = [](const std::string& what) {
    return Status::InvalidArgument("scan settings: " + what);
  };
  if (source != ScanSource::kDefault && source != ScanSource::kFlatbed &&
      source != ScanSource::kAdf && source != ScanSource::kAdfDuplex) {
    return bad("unknown source");
  }
  if (color != ScanColor::kGray && color != ScanColor::kColor && color != ScanColor::kLineart) {
    return bad("unknown colour");
  }
  if (dpi < 1 || dpi > 19200) return bad("dpi must lie in [1, 19200]");
  if (max_page_pixels <= 0) return bad("max_page_pixels must be positive");
  for (const auto& [name, value] : device_options) {
    if (name.empty()) return bad("a device option has an empty name");
  }
  return Status::Ok();
}

std::string_view ScanFaultName(ScanFault f) {
  switch (f) {
    case ScanFault::kNone:
      return "none";
    case ScanFault::kFeederEmpty:
      return "feeder_empty";
    case ScanFault::kJammed:
      return "jammed";
    case ScanFault::kCoverOpen:
      return "cover_open";
    case ScanFault::kIoError:
      return "io_error";
    case ScanFault::kDeviceBusy:
      return "device_busy";
    case ScanFault::kDeviceGone:
      return "device_gone";
    case ScanFault::kNoMemory:
      return "no_memory";
    case ScanFault::kAccessDenied:
      return "access_denied";
    case ScanFault::kCancelled:
      return "cancelled";
    case ScanFault::kTooLarge:
      return "too_large";
    case ScanFault::kOther:
      return "other";
  }
  return "other";
}

std::string_view ScanFaultAdvice(ScanFault f) {
  switch (f) {
    case ScanFault::kNone:
      return "";
    case ScanFault::kFeederEmpty:
      return "Load the next sheets into the feeder (or the next page on the glass) and continue, "
             "or finish the batch.";
    case ScanFault::kJammed:
      return "Clear the paper jam, put the unscanned sheets back into the feeder starting with "
             "the sheet that jammed, and continue.";
    case ScanFault::kCoverOpen:
      return "Close the scanner cover or feeder door and continue.";
    case ScanFault::kIoError:
      return "Check the scanner's cable and power, then continue; if it keeps failing, switch the "
             "scanner off and on.";
    case ScanFault::kDeviceBusy:
      return "The scanner is busy or held by another program; wait for it or close the other "
             "program, then continue.";
    case ScanFault::kDeviceGone:
      return "The scanner is no longer connected; reconnect it or switch it on, then start the "
             "scan again.";
    case ScanFault::kNoMemory:
      return "The scanner or this computer ran out of memory; lower the resolution or close "
             "other programs, then continue.";
    case ScanFault::kAccessDenied:
      return "Access to the scanner was denied; make sure this user may use the scanner (for "
             "example the scanner group), then continue.";
    case ScanFault::kCancelled:
      return "The scan was stopped; rescan the current sheet if it is still needed.";
    case ScanFault::kTooLarge:
      return "The page exceeds the size limit; lower the resolution or the scan area, then "
             "rescan the sheet.";
    case ScanFault::kOther:
      return "The scanner reported an unexpected error; check the scanner and its settings, then "
             "rescan the sheet.";
  }
  return "";
}

bool IsFlatbedSourceName(std::string_view name) {
  return Lower(name).find("flatbed") != std::string::npos;
}

bool IsDuplexSourceName(std::string_view name) {
  return Lower(name).find("duplex") != std::string::npos;
}

bool IsFeederSourceName(std::string_view name) {
  std::string lower = Lower(name);
  return ContainsAny(lower, {"adf", "feeder", "automatic document"}) &&
         !ContainsAny(lower, {"duplex", "back"});
}

std::optional<std::size_t> MatchSource(ScanSource source, const std::vector<std::string>& offered) {
  for (std::size_t i = 0; i < offered.size(); ++i) {
    switch (source) {
      case ScanSource::kDefault:
        return std::nullopt;
      case ScanSource::kFlatbed:
        if (IsFlatbedSourceName(offered[i])) return i;
        break;
      case ScanSource::kAdf:
        if (IsFeederSourceName(offered[i])) return i;
        break;
      case ScanSource::kAdfDuplex:
        if (IsDuplexSourceName(offered[i])) return i;
        break;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> MatchMode(ScanColor color, const std::vector<std::string>& offered) {
  // Each pass looks through the whole list; the first pass that finds something wins.
  auto find = [&](auto&& accepts) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < offered.size(); ++i) {
      if (accepts(Lower(offered[i]))) return i;
    }
    return std::nullopt;
  };
  switch (color) {
    case ScanColor::kGray:
      if (auto i = find([](const std::string& m) {
            return EqualsAny(m, {"gray", "grey", "grayscale", "greyscale"});
          })) {
        return i;
      }
      return find([](const std::string& m) {
        return ContainsAny(m, {"gray", "grey"}) && !IsDithered(m);
      });
    case ScanColor::kColor:
      if (auto i = find([](const std::string& m) { return EqualsAny(m, {"color", "colour"}); })) {
        return i;
      }
      return find([](const std::string& m) {
        return ContainsAny(m, {"color", "colour"}) && !IsDithered(m);
      });
    case ScanColor::kLineart:
      if (auto i = find([](const std::string& m) {
            return EqualsAny(m, {"lineart", "binary", "black & white", "black and white"});
          })) {
        return i;
      }
      if (auto i = find([](const std::string& m) {
            return ContainsAny(m, {"lineart", "binary", "black & white", "black and white"});
          })) {
        return i;
      }
      return find([](const std::string& m) { return m.find("halftone") != std::string::npos; });
  }
  return std::nullopt;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace chartscan::capture
