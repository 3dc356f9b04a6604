// The SANE adapter: device listing, options and page reads.
//
// SANE is initialized once, on first use, and never exited (see scanner.h). Calls that touch
// SANE's global state (sane_init, sane_get_devices, sane_open, sane_close) hold one process-wide
// mutex; calls on an open handle do not.
//
// Batches: SANE scans a feeder as a batch: sane_start for every page (and for every colour frame
// of a three-pass scanner), sane_read until EOF, and sane_cancel only when the batch is over.
// Calling sane_cancel between pages would, on many feeders, eject the stack. So the batch stays
// open between pages and is ended (sane_cancel) on any fault, on Cancel, on SetOption (backends
// read their options when a batch starts), after a flatbed page and when the Scanner is
// destroyed. A backend with one image only (SANE's pnm file reader) answers the next sane_start
// with EOF, which is reported as an empty feeder.
//
// Settings are applied in the order a backend's options depend on each other: source (it may
// change the modes and resolutions offered), mode, depth, resolution, then the caller's device
// options. Option descriptors are looked up again for every use, because setting an option may
// reload them (SANE_INFO_RELOAD_OPTIONS) and invalidate earlier pointers.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sane/sane.h>
#include <sane/saneopts.h>

#include <chartscan/capture/scanner.h>

#include "scanner_internal.h"

namespace chartscan::capture {
namespace {

constexpr std::size_t kReadChunk = 128 * 1024;

// --- the process-wide SANE session

std::mutex& SaneMutex() {
  static std::mutex mutex;
  return mutex;
}

bool sane_ready = false;  // guarded by SaneMutex()

Status EnsureSaneLocked() {
  if (sane_ready) return Status::Ok();
  SANE_Int version = 0;
  const SANE_Status s = sane_init(&version, nullptr);
  if (s != SANE_STATUS_GOOD) {
    return Status::Unavailable(std::string("SANE could not be initialized: ") + sane_strstatus(s));
  }
  sane_ready = true;
  return Status::Ok();
}

std::string Text(SANE_String_Const s) { return s != nullptr ? s : ""; }

struct ListedDevice {
  std::string name, vendor, model, type;
};

Result<std::vector<ListedDevice>> ListDevicesLocked() {
  const SANE_Device** list = nullptr;
  const SANE_Status s = sane_get_devices(&list, SANE_FALSE);
  if (s != SANE_STATUS_GOOD) {
    return Status::Unavailable(std::string("SANE could not list devices: ") + sane_strstatus(s));
  }
  std::vector<ListedDevice> out;
  for (int i = 0; list != nullptr && list[i] != nullptr; ++i) {
    out.push_back(
        {Text(list[i]->name), Text(list[i]->vendor), Text(list[i]->model), Text(list[i]->type)});
  }
  return out;
}

std::vector<std::string> DeviceNames(const std::vector<ListedDevice>& devices) {
  std::vector<std::string> names;
  for (const ListedDevice& d : devices) names.push_back(d.name);
  return names;
}

// --- options

struct Option {
  SANE_Int index = 0;
  const SANE_Option_Descriptor* d = nullptr;

  bool active() const { return SANE_OPTION_IS_ACTIVE(d->cap); }
  bool settable() const { return SANE_OPTION_IS_SETTABLE(d->cap); }
  bool numeric() const {
    return d->type == SANE_TYPE_BOOL || d->type == SANE_TYPE_INT || d->type == SANE_TYPE_FIXED;
  }
  int words() const {
    return numeric() ? std::max<int>(1, d->size / static_cast<int>(sizeof(SANE_Word))) : 0;
  }
  double Unfix(SANE_Word w) const {
    return d->type == SANE_TYPE_FIXED ? SANE_UNFIX(w) : static_cast<double>(w);
  }
};

SANE_Int OptionCount(SANE_Handle h) {
  SANE_Int n = 0;
  if (sane_control_option(h, 0, SANE_ACTION_GET_VALUE, &n, nullptr) != SANE_STATUS_GOOD) n = 0;
  return n;
}

std::optional<Option> FindOption(SANE_Handle h, std::string_view name) {
  if (name.empty()) return std::nullopt;
  const SANE_Int n = OptionCount(h);
  for (SANE_Int i = 1; i < n; ++i) {
    const SANE_Option_Descriptor* d = sane_get_option_descriptor(h, i);
    if (d != nullptr && d->name != nullptr && d->type != SANE_TYPE_GROUP && name == d->name) {
      return Option{i, d};
    }
  }
  return std::nullopt;
}

std::vector<std::string> StringChoices(const SANE_Option_Descriptor& d) {
  std::vector<std::string> out;
  if (d.constraint_type != SANE_CONSTRAINT_STRING_LIST || d.constraint.string_list == nullptr) {
    return out;
  }
  for (int i = 0; d.constraint.string_list[i] != nullptr; ++i) {
    out.emplace_back(d.constraint.string_list[i]);
  }
  return out;
}

std::vector<SANE_Word> WordChoices(const SANE_Option_Descriptor& d) {
  if (d.constraint_type != SANE_CONSTRAINT_WORD_LIST || d.constraint.word_list == nullptr) {
    return {};
  }
  const SANE_Word* list = d.constraint.word_list;
  return std::vector<SANE_Word>(list + 1, list + 1 + std::max(0, list[0]));
}

std::string FormatNumber(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

std::string WordText(const Option& o, SANE_Word w) {
  switch (o.d->type) {
    case SANE_TYPE_BOOL:
      return w != SANE_FALSE ? "yes" : "no";
    case SANE_TYPE_INT:
      return std::to_string(w);
    default:
      return FormatNumber(SANE_UNFIX(w));
  }
}

std::optional<std::vector<SANE_Word>> GetWords(SANE_Handle h, const Option& o) {
  std::vector<SANE_Word> words(static_cast<std::size_t>(o.words()));
  if (words.empty() || sane_control_option(h, o.index, SANE_ACTION_GET_VALUE, words.data(),
                                           nullptr) != SANE_STATUS_GOOD) {
    return std::nullopt;
  }
  return words;
}

std::optional<std::string> GetString(SANE_Handle h, const Option& o) {
  std::vector<char> buffer(static_cast<std::size_t>(std::max<SANE_Int>(o.d->size, 1)) + 1, '\0');
  if (sane_control_option(h, o.index, SANE_ACTION_GET_VALUE, buffer.data(), nullptr) !=
      SANE_STATUS_GOOD) {
    return std::nullopt;
  }
  buffer.back() = '\0';
  return std::string(buffer.data());
}

// The current value as text, as SetOptionFromText accepts it back; empty when inactive.
std::string ValueText(SANE_Handle h, const Option& o) {
  if (!o.active()) return "";
  if (o.d->type == SANE_TYPE_STRING) return GetString(h, o).value_or("");
  if (!o.numeric()) return "";
  std::optional<std::vector<SANE_Word>> words = GetWords(h, o);
  if (!words) return "";
  std::string out;
  for (SANE_Word w : *words) {
    if (!out.empty()) out += ",";
    out += WordText(o, w);
  }
  return out;
}

bool Offers(const Option& o, double value) {
  switch (o.d->constraint_type) {
    case SANE_CONSTRAINT_WORD_LIST: {
      std::vector<SANE_Word> words = WordChoices(*o.d);
      return std::any_of(words.begin(), words.end(),
                         [&](SANE_Word w) { return std::abs(o.Unfix(w) - value) < 1e-4; });
    }
    case SANE_CONSTRAINT_RANGE:
      return value >= o.Unfix(o.d->constraint.range->min) - 1e-4 &&
             value <= o.Unfix(o.d->constraint.range->max) + 1e-4;
    default:
      return true;
  }
}

// The value the option offers nearest to `wanted`: the closest word of a list (the larger one on
// a tie), or `wanted` clamped to a range and snapped to its quantization.
double NearestOffered(const Option& o, double wanted) {
  switch (o.d->constraint_type) {
    case SANE_CONSTRAINT_WORD_LIST: {
      std::vector<SANE_Word> words = WordChoices(*o.d);
      if (words.empty()) return wanted;
      double best = o.Unfix(words.front());
      for (SANE_Word w : words) {
        const double v = o.Unfix(w);
        const double gap = std::abs(v - wanted);
        const double best_gap = std::abs(best - wanted);
        if (gap < best_gap || (gap == best_gap && v > best)) best = v;
      }
      return best;
    }
    case SANE_CONSTRAINT_RANGE: {
      const double lo = o.Unfix(o.d->constraint.range->min);
      const double hi = o.Unfix(o.d->constraint.range->max);
      const double quant = o.Unfix(o.d->constraint.range->quant);
      double v = std::clamp(wanted, lo, hi);
      if (quant > 0) {
        v = lo + std::round((v - lo) / quant) * quant;
        if (v > hi) v -= quant;
      }
      return v;
    }
    default:
      return wanted;
  }
}

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<bool> ParseBool(const std::string& text) {
  const std::string t = Lower(Trim(text));
  if (t == "yes" || t == "true" || t == "on" || t == "1") return true;
  if (t == "no" || t == "false" || t == "off" || t == "0") return false;
  return std::nullopt;
}

std::optional<double> ParseNumber(const std::string& text) {
  const std::string t = Trim(text);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

std::string OptionLabel(const std::string& device, const std::string& name) {
  return device + ": option '" + name + "'";
}

Status Control(SANE_Handle h, const Option& o, void* value, const std::string& device,
               const std::string& name) {
  SANE_Int info = 0;
  const SANE_Status s = sane_control_option(h, o.index, SANE_ACTION_SET_VALUE, value, &info);
  const std::string what = OptionLabel(device, name);
  switch (s) {
    case SANE_STATUS_GOOD:
      return Status::Ok();
    case SANE_STATUS_DEVICE_BUSY:
      return Status::Busy(what + ": the device is busy");
    case SANE_STATUS_INVAL:
    case SANE_STATUS_UNSUPPORTED:
      return Status::InvalidArgument(what + ": the device refused the value (" + sane_strstatus(s) +
                                     ")");
    default:
      return Status::IoError(what + ": " + sane_strstatus(s));
  }
}

Status SetStringOption(SANE_Handle h, const Option& o, const std::string& value,
                       const std::string& device, const std::string& name) {
  if (value.size() + 1 > static_cast<std::size_t>(std::max<SANE_Int>(o.d->size, 0))) {
    return Status::InvalidArgument(OptionLabel(device, name) + ": the value is longer than " +
                                   std::to_string(std::max<SANE_Int>(o.d->size - 1, 0)) +
                                   " characters");
  }
  std::vector<char> buffer(static_cast<std::size_t>(o.d->size), '\0');
  std::memcpy(buffer.data(), value.data(), value.size());
  return Control(h, o, buffer.data(), device, name);
}

// Sets option `name` from text, parsed by the option's type and checked against its constraint
// so that the message can say what the option takes.
Status SetOptionFromText(SANE_Handle h, const std::string& device, const std::string& name,
                         const std::string& value) {
  std::optional<Option> o = FindOption(h, name);
  const std::string what = OptionLabel(device, name);
  if (!o) return Status::InvalidArgument(device + ": unknown option '" + name + "'");
  if (!o->active()) {
    return Status::InvalidArgument(what + " is inactive (another option has to enable it)");
  }
  if (!o->settable()) return Status::InvalidArgument(what + " cannot be set");

  switch (o->d->type) {
    case SANE_TYPE_BUTTON:
      return Control(h, *o, nullptr, device, name);
    case SANE_TYPE_STRING: {
      std::string chosen = value;
      if (std::vector<std::string> choices = StringChoices(*o->d); !choices.empty()) {
        auto it = std::find_if(choices.begin(), choices.end(), [&](const std::string& c) {
          return Lower(c) == Lower(Trim(value));
        });
        if (it == choices.end()) {
          return Status::InvalidArgument(what + " does not take '" + value +
                                         "' (choices: " + JoinNames(choices) + ")");
        }
        chosen = *it;
      }
      return SetStringOption(h, *o, chosen, device, name);
    }
    case SANE_TYPE_BOOL:
    case SANE_TYPE_INT:
    case SANE_TYPE_FIXED:
      break;
    default:
      return Status::InvalidArgument(what + " cannot be set");
  }

  const std::vector<std::string> parts = SplitCommas(value);
  const int count = o->words();
  if (parts.size() != 1 && static_cast<int>(parts.size()) != count) {
    return Status::InvalidArgument(what + " takes " + std::to_string(count) + " values");
  }
  std::vector<SANE_Word> words;
  for (const std::string& part : parts) {
    SANE_Word w = 0;
    if (o->d->type == SANE_TYPE_BOOL) {
      std::optional<bool> b = ParseBool(part);
      if (!b) return Status::InvalidArgument(what + " takes yes or no, not '" + part + "'");
      w = *b ? SANE_TRUE : SANE_FALSE;
    } else {
      std::optional<double> v = ParseNumber(part);
      const bool fixed = o->d->type == SANE_TYPE_FIXED;
      if (!v || (!fixed && *v != std::floor(*v)) || std::abs(*v) > (fixed ? 32767.0 : 2e9)) {
        return Status::InvalidArgument(what + " takes " + (fixed ? "a number" : "an integer") +
                                       ", not '" + part + "'");
      }
      if (!Offers(*o, *v)) {
        std::string offered;
        if (o->d->constraint_type == SANE_CONSTRAINT_RANGE) {
          offered = "range " + FormatNumber(o->Unfix(o->d->constraint.range->min)) + ".." +
                    FormatNumber(o->Unfix(o->d->constraint.range->max));
        } else {
          std::vector<std::string> texts;
          for (SANE_Word c : WordChoices(*o->d)) texts.push_back(WordText(*o, c));
          offered = "choices: " + JoinNames(texts);
        }
        return Status::InvalidArgument(what + " does not take " + Trim(part) + " (" + offered +
                                       ")");
      }
      w = fixed ? static_cast<SANE_Word>(SANE_FIX(*v)) : static_cast<SANE_Word>(*v);
    }
    words.push_back(w);
  }
  words.resize(static_cast<std::size_t>(count), words.front());
  return Control(h, *o, words.data(), device, name);
}

// Sets a numeric option to `value` (no text round trip, no constraint message).
Status SetNumber(SANE_Handle h, const Option& o, double value, const std::string& device) {
  std::vector<SANE_Word> words(static_cast<std::size_t>(o.words()),
                               o.d->type == SANE_TYPE_FIXED
                                   ? static_cast<SANE_Word>(SANE_FIX(value))
                                   : static_cast<SANE_Word>(std::lround(value)));
  return Control(h, o, words.data(), device, Text(o.d->name));
}

// --- listing

std::string TypeName(SANE_Value_Type t) {
  switch (t) {
    case SANE_TYPE_BOOL:
      return "bool";
    case SANE_TYPE_INT:
      return "int";
    case SANE_TYPE_FIXED:
      return "fixed";
    case SANE_TYPE_STRING:
      return "string";
    case SANE_TYPE_BUTTON:
      return "button";
    case SANE_TYPE_GROUP:
      return "group";
  }
  return "unknown";
}

std::string UnitName(SANE_Unit u) {
  switch (u) {
    case SANE_UNIT_NONE:
      return "";
    case SANE_UNIT_PIXEL:
      return "pixel";
    case SANE_UNIT_BIT:
      return "bit";
    case SANE_UNIT_MM:
      return "mm";
    case SANE_UNIT_DPI:
      return "dpi";
    case SANE_UNIT_PERCENT:
      return "%";
    case SANE_UNIT_MICROSECOND:
      return "us";
  }
  return "";
}

void Describe(SANE_Handle h, ScannerDevice& device) {
  const SANE_Int n = OptionCount(h);
  for (SANE_Int i = 1; i < n; ++i) {
    const SANE_Option_Descriptor* d = sane_get_option_descriptor(h, i);
    if (d == nullptr) continue;
    const Option o{i, d};
    ScannerOption option;
    option.name = Text(d->name);
    option.title = Text(d->title);
    option.type = TypeName(d->type);
    option.unit = UnitName(d->unit);
    option.choices = StringChoices(*d);
    for (SANE_Word w : WordChoices(*d)) option.choices.push_back(WordText(o, w));
    if (d->constraint_type == SANE_CONSTRAINT_RANGE && d->constraint.range != nullptr) {
      option.min = o.Unfix(d->constraint.range->min);
      option.max = o.Unfix(d->constraint.range->max);
      if (d->constraint.range->quant != 0) option.step = o.Unfix(d->constraint.range->quant);
    }
    option.active = d->type != SANE_TYPE_GROUP && o.active();
    option.settable = d->type != SANE_TYPE_GROUP && o.settable();
    if (d->type != SANE_TYPE_GROUP) option.value = ValueText(h, o);
    device.options.push_back(std::move(option));
  }
  if (std::optional<Option> source = FindOption(h, SANE_NAME_SCAN_SOURCE)) {
    device.sources = StringChoices(*source->d);
  }
  if (std::optional<Option> mode = FindOption(h, SANE_NAME_SCAN_MODE)) {
    device.modes = StringChoices(*mode->d);
  }
  if (std::optional<Option> res = FindOption(h, SANE_NAME_SCAN_RESOLUTION); res && res->numeric()) {
    if (res->d->constraint_type == SANE_CONSTRAINT_RANGE) {
      device.resolutions = {
          static_cast<int>(std::lround(res->Unfix(res->d->constraint.range->min))),
          static_cast<int>(std::lround(res->Unfix(res->d->constraint.range->max)))};
      device.resolution_range = true;
    } else {
      for (SANE_Word w : WordChoices(*res->d)) {
        device.resolutions.push_back(static_cast<int>(std::lround(res->Unfix(w))));
      }
    }
  }
}

// --- the scanner

std::optional<FrameKind> KindOf(SANE_Frame format) {
  switch (format) {
    case SANE_FRAME_GRAY:
      return FrameKind::kGray;
    case SANE_FRAME_RGB:
      return FrameKind::kRgb;
    case SANE_FRAME_RED:
      return FrameKind::kRed;
    case SANE_FRAME_GREEN:
      return FrameKind::kGreen;
    case SANE_FRAME_BLUE:
      return FrameKind::kBlue;
  }
  return std::nullopt;
}

class SaneScanner final : public Scanner {
 public:
  SaneScanner(std::string name, SANE_Handle handle, const ScanSettings& settings)
      : name_(std::move(name)),
        handle_(handle),
        max_page_pixels_(settings.max_page_pixels),
        lineart_(settings.color == ScanColor::kLineart) {}

  ~SaneScanner() override {
    EndBatch();
    std::lock_guard<std::mutex> lock(SaneMutex());
    sane_close(handle_);
  }

  Status Configure(const ScanSettings& settings);

  const std::string& device_name() const override { return name_; }
  bool duplex() const override { return duplex_; }
  bool flatbed() const override { return flatbed_; }

  ScanResult NextPage() override;

  Status SetOption(const std::string& name, const std::string& value) override {
    EndBatch();
    Status s = SetOptionFromText(handle_, name_, name, value);
    RefreshState();
    return s;
  }

  void Cancel() override {
    cancel_requested_.store(true);
    if (reading_.load()) {
      std::lock_guard<std::mutex> lock(cancel_mutex_);
      sane_cancel(handle_);
    }
  }

 private:
  ScanResult Scan();
  ScanResult Fault(ScanFault fault, const std::string& what);
  ScanResult FaultFromStatus(SANE_Status s, const std::string& doing);
  bool StillListed();
  void EndBatch();
  void RefreshState();
  Resolution ReadResolution();

  const std::string name_;
  const SANE_Handle handle_;
  const std::int64_t max_page_pixels_;
  const bool lineart_;
  bool flatbed_ = false;
  bool duplex_ = false;
  Resolution resolution_;
  bool batch_active_ = false;  // sane_start was called since the last sane_cancel
  int batch_sides_ = 0;        // sides delivered in the device's current batch (duplex parity)
  int session_sides_ = 0;      // sides delivered in this session (page.index)
  std::atomic<bool> cancel_requested_{false};
  std::atomic<bool> reading_{false};
  // sane_cancel may come from Cancel() on another thread while the reading thread ends the batch
  // itself; a backend's cancel (the test backend joins its reader thread and closes its pipe) must
  // not run twice at once.
  std::mutex cancel_mutex_;
};

Status SaneScanner::Configure(const ScanSettings& settings) {
  if (settings.source != ScanSource::kDefault) {
    std::optional<Option> source = FindOption(handle_, SANE_NAME_SCAN_SOURCE);
    const std::vector<std::string> offered = source && source->active() && source->settable()
                                                 ? StringChoices(*source->d)
                                                 : std::vector<std::string>();
    if (offered.empty()) {
      return Status::InvalidArgument(name_ + " offers no choice of source, so not '" +
                                     std::string(ScanSourceName(settings.source)) +
                                     "' (use source 'default')");
    }
    std::optional<std::size_t> i = MatchSource(settings.source, offered);
    if (!i) {
      return Status::InvalidArgument(name_ + " does not offer source '" +
                                     std::string(ScanSourceName(settings.source)) +
                                     "' (sources: " + JoinNames(offered) + ")");
    }
    CHARTSCAN_RETURN_IF_ERROR(
        SetStringOption(handle_, *source, offered[*i], name_, SANE_NAME_SCAN_SOURCE));
  }

  // Mode, then depth: lineart is a mode on most devices, grey at 1 bit on some (SANE's test
  // backend). A device without a mode option (or without a list of modes) sends what it sends.
  const bool one_bit = settings.color == ScanColor::kLineart;
  auto depth_offers = [&](int bits) {
    std::optional<Option> depth = FindOption(handle_, SANE_NAME_BIT_DEPTH);
    return depth && depth->active() && depth->settable() && depth->d->type == SANE_TYPE_INT &&
           Offers(*depth, bits);
  };
  std::optional<Option> mode = FindOption(handle_, SANE_NAME_SCAN_MODE);
  const std::vector<std::string> offered =
      mode && mode->active() && mode->settable() && mode->d->type == SANE_TYPE_STRING
          ? StringChoices(*mode->d)
          : std::vector<std::string>();
  if (!offered.empty()) {
    std::optional<std::size_t> i = MatchMode(settings.color, offered);
    if (!i && one_bit && depth_offers(1)) i = MatchMode(ScanColor::kGray, offered);
    if (!i) {
      return Status::InvalidArgument(name_ + " does not offer colour '" +
                                     std::string(ScanColorName(settings.color)) +
                                     "' (modes: " + JoinNames(offered) + ")");
    }
    CHARTSCAN_RETURN_IF_ERROR(
        SetStringOption(handle_, *mode, offered[*i], name_, SANE_NAME_SCAN_MODE));
  }
  if (const int bits = one_bit ? 1 : 8; depth_offers(bits)) {
    std::optional<Option> depth = FindOption(handle_, SANE_NAME_BIT_DEPTH);
    CHARTSCAN_RETURN_IF_ERROR(SetNumber(handle_, *depth, bits, name_));
  }

  // Resolution: one option, or separate x and y options on some backends.
  auto set_resolution = [&](const char* option_name) -> Status {
    std::optional<Option> o = FindOption(handle_, option_name);
    if (!o || !o->active() || !o->settable() || o->d->type == SANE_TYPE_BOOL || !o->numeric()) {
      return Status::Ok();
    }
    return SetNumber(handle_, *o, NearestOffered(*o, settings.dpi), name_);
  };
  if (FindOption(handle_, SANE_NAME_SCAN_RESOLUTION)) {
    CHARTSCAN_RETURN_IF_ERROR(set_resolution(SANE_NAME_SCAN_RESOLUTION));
  } else {
    CHARTSCAN_RETURN_IF_ERROR(set_resolution(SANE_NAME_SCAN_X_RESOLUTION));
    CHARTSCAN_RETURN_IF_ERROR(set_resolution(SANE_NAME_SCAN_Y_RESOLUTION));
  }

  for (const auto& [option, value] : settings.device_options) {
    CHARTSCAN_RETURN_IF_ERROR(SetOptionFromText(handle_, name_, option, value));
  }
  RefreshState();
  return Status::Ok();
}

Resolution SaneScanner::ReadResolution() {
  auto read = [&](const char* option_name) -> std::optional<double> {
    std::optional<Option> o = FindOption(handle_, option_name);
    if (!o || !o->active() || o->d->type == SANE_TYPE_BOOL || !o->numeric()) return std::nullopt;
    std::optional<std::vector<SANE_Word>> words = GetWords(handle_, *o);
    if (!words) return std::nullopt;
    return o->Unfix(words->front());
  };
  std::optional<double> x = read(SANE_NAME_SCAN_X_RESOLUTION);
  std::optional<double> y = read(SANE_NAME_SCAN_Y_RESOLUTION);
  if (x && y) return {*x, *y};
  if (std::optional<double> r = read(SANE_NAME_SCAN_RESOLUTION)) return {*r, *r};
  return {};
}

// Which kind of source is in use. Only a named feeder is fed until it runs out; any other
// source (flatbed, film, transparency unit) gives one page per session. A device without a source
// option is taken for a feeder (SANE's pnm reader says EOF after its one page).
void SaneScanner::RefreshState() {
  flatbed_ = duplex_ = false;
  if (std::optional<Option> source = FindOption(handle_, SANE_NAME_SCAN_SOURCE);
      source && source->active() && source->d->type == SANE_TYPE_STRING) {
    const std::string value = GetString(handle_, *source).value_or("");
    duplex_ = IsDuplexSourceName(value);
    flatbed_ = !duplex_ && !IsFeederSourceName(value);
  }
  resolution_ = ReadResolution();
}

void SaneScanner::EndBatch() {
  if (batch_active_) {
    std::lock_guard<std::mutex> lock(cancel_mutex_);
    sane_cancel(handle_);
  }
  batch_active_ = false;
  batch_sides_ = 0;
}

bool SaneScanner::StillListed() {
  std::lock_guard<std::mutex> lock(SaneMutex());
  Result<std::vector<ListedDevice>> devices = ListDevicesLocked();
  if (!devices.ok()) return true;  // cannot tell: do not claim the device is gone
  return std::any_of(devices->begin(), devices->end(),
                     [&](const ListedDevice& d) { return d.name == name_; });
}

ScanResult SaneScanner::Fault(ScanFault fault, const std::string& what) {
  EndBatch();
  if (fault == ScanFault::kFeederEmpty) session_sides_ = 0;
  if (fault == ScanFault::kCancelled) cancel_requested_.store(false);
  ScanResult r;
  r.fault = fault;
  r.message = name_ + ": " + what;
  return r;
}

ScanResult SaneScanner::FaultFromStatus(SANE_Status s, const std::string& doing) {
  const std::string what = doing + ": " + sane_strstatus(s);
  switch (s) {
    case SANE_STATUS_CANCELLED:
      return Fault(ScanFault::kCancelled, what);
    case SANE_STATUS_DEVICE_BUSY:
      return Fault(ScanFault::kDeviceBusy, what);
    case SANE_STATUS_JAMMED:
      return Fault(ScanFault::kJammed, what);
    case SANE_STATUS_NO_DOCS:
      return Fault(ScanFault::kFeederEmpty, what);
    case SANE_STATUS_COVER_OPEN:
      return Fault(ScanFault::kCoverOpen, what);
    case SANE_STATUS_NO_MEM:
      return Fault(ScanFault::kNoMemory, what);
    case SANE_STATUS_ACCESS_DENIED:
      return Fault(ScanFault::kAccessDenied, what);
    case SANE_STATUS_IO_ERROR:
    case SANE_STATUS_INVAL:
      // A device unplugged mid-batch shows up as an I/O error or an invalid handle.
      if (!StillListed()) {
        return Fault(ScanFault::kDeviceGone, what + " (the device is no longer listed by SANE)");
      }
      return Fault(s == SANE_STATUS_IO_ERROR ? ScanFault::kIoError : ScanFault::kOther, what);
    default:
      // 12 is SANE_STATUS_WARMING_UP in newer backends ("lamp not ready, please retry").
      return Fault(static_cast<int>(s) == 12 ? ScanFault::kDeviceBusy : ScanFault::kOther, what);
  }
}

ScanResult SaneScanner::NextPage() {
  if (cancel_requested_.load()) {
    return Fault(ScanFault::kCancelled, "the scan was cancelled before the page started");
  }
  if (flatbed_ && session_sides_ > 0) {
    return Fault(ScanFault::kFeederEmpty,
                 "a flatbed holds one page per session (place the next page and scan again)");
  }
  reading_.store(true);
  ScanResult result = Scan();
  reading_.store(false);
  if (result.fault != ScanFault::kNone) return result;

  result.page.index = session_sides_++;
  result.page.resolution = resolution_;
  result.back_side = duplex_ && batch_sides_ % 2 == 1;
  ++batch_sides_;
  if (flatbed_) EndBatch();  // the glass holds one page: let the device go idle
  return result;
}

ScanResult SaneScanner::Scan() {
  const auto cancelled = [&] { return cancel_requested_.load(); };
  const auto cancel_fault = [&] { return Fault(ScanFault::kCancelled, "the scan was cancelled"); };

  batch_active_ = true;
  SANE_Status s = sane_start(handle_);
  if (cancelled()) return cancel_fault();
  if (s == SANE_STATUS_EOF && !flatbed_) {
    // A backend without a feeder (the pnm reader) ends its batch this way.
    return Fault(ScanFault::kFeederEmpty, std::string("starting a page: ") + sane_strstatus(s));
  }
  if (s != SANE_STATUS_GOOD) return FaultFromStatus(s, "starting a page");

  PageBuilder page(max_page_pixels_);
  std::vector<SANE_Byte> chunk(kReadChunk);
  for (int frame = 0;; ++frame) {
    SANE_Parameters p{};
    s = sane_get_parameters(handle_, &p);
    if (s != SANE_STATUS_GOOD) return FaultFromStatus(s, "reading the page parameters");
    const std::optional<FrameKind> kind = KindOf(p.format);
    if (!kind) {
      return Fault(ScanFault::kOther, "the device sent frame format " +
                                          std::to_string(static_cast<int>(p.format)) +
                                          ", which chartscan does not read");
    }
    const FrameLayout layout{*kind, p.depth, p.pixels_per_line, p.bytes_per_line, p.lines};
    if (Status begun = page.BeginFrame(layout); !begun.ok()) {
      return Fault(begun.code() == StatusCode::kTooLarge ? ScanFault::kTooLarge : ScanFault::kOther,
                   begun.message());
    }
    for (;;) {
      SANE_Int length = 0;
      s = sane_read(handle_, chunk.data(), static_cast<SANE_Int>(chunk.size()), &length);
      if (cancelled()) return cancel_fault();
      if (s != SANE_STATUS_GOOD) break;
      if (length <= 0) {
        // Allowed by the standard; do not spin on a backend that keeps saying it.
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      if (Status fed = page.Feed(chunk.data(), static_cast<std::size_t>(length)); !fed.ok()) {
        return Fault(ScanFault::kTooLarge, fed.message());
      }
    }
    const bool nothing_yet = frame == 0 && page.frame_bytes() == 0;
    if (s == SANE_STATUS_NO_DOCS) {
      if (nothing_yet) return FaultFromStatus(s, "reading the page");
      // The page was being read: the sheet is lost somewhere in the feeder.
      return Fault(ScanFault::kJammed,
                   std::string("the feeder ran out in the middle of a page: ") + sane_strstatus(s));
    }
    if (s != SANE_STATUS_EOF) return FaultFromStatus(s, "reading the page");
    if (nothing_yet) {
      const std::string what =
          std::string("the device ended the page before sending any data: ") + sane_strstatus(s);
      return Fault(flatbed_ ? ScanFault::kOther : ScanFault::kFeederEmpty, what);
    }
    page.EndFrame();
    if (p.last_frame) break;

    s = sane_start(handle_);  // the next colour of a three-pass page
    if (cancelled()) return cancel_fault();
    if (s != SANE_STATUS_GOOD) {
      if (s == SANE_STATUS_EOF || s == SANE_STATUS_NO_DOCS) {
        return Fault(ScanFault::kOther, std::string("the device stopped between the colour "
                                                    "frames of a page: ") +
                                            sane_strstatus(s));
      }
      return FaultFromStatus(s, "starting the next colour frame");
    }
  }

  bool bilevel = false;
  Result<Image> image = page.Finish(&bilevel);
  if (!image.ok()) return Fault(ScanFault::kOther, image.status().message());
  if (!bilevel && lineart_ && image->format() == PixelFormat::kGray8) {
    // Some backends send lineart as 8-bit grey holding only black and white.
    const std::uint8_t* px = image->data();
    bilevel =
        std::all_of(px, px + image->byte_size(), [](std::uint8_t v) { return v == 0 || v == 255; });
  }
  ScanResult result;
  result.page.image = std::move(*image);
  result.page.bilevel = bilevel;
  return result;
}

Status OpenErrorLocked(const std::string& name, SANE_Status s) {
  if (s == SANE_STATUS_DEVICE_BUSY) {
    return Status::Busy("scanner '" + name +
                        "' is busy: another program (or another Scanner) holds it");
  }
  if (s == SANE_STATUS_ACCESS_DENIED) {
    return Status::Unavailable("access to scanner '" + name + "' was denied: " + sane_strstatus(s));
  }
  Result<std::vector<ListedDevice>> devices = ListDevicesLocked();
  const bool listed =
      devices.ok() && std::any_of(devices->begin(), devices->end(),
                                  [&](const ListedDevice& d) { return d.name == name; });
  if (devices.ok() && !listed) {
    return Status::NotFound(
        "scanner '" + name + "' not found (SANE lists: " +
        (devices->empty() ? std::string("no devices") : JoinNames(DeviceNames(*devices))) + ")");
  }
  return Status::Unavailable("scanner '" + name + "' could not be opened: " + sane_strstatus(s));
}

}  // namespace

Result<std::vector<ScannerDevice>> ListScanners(bool with_options) {
  std::lock_guard<std::mutex> lock(SaneMutex());
  CHARTSCAN_RETURN_IF_ERROR(EnsureSaneLocked());
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<ListedDevice> listed, ListDevicesLocked());
  std::vector<ScannerDevice> devices;
  for (const ListedDevice& l : listed) {
    ScannerDevice device;
    device.name = l.name;
    device.vendor = l.vendor;
    device.model = l.model;
    device.type = l.type;
    SANE_Handle handle = nullptr;
    if (with_options && sane_open(l.name.c_str(), &handle) == SANE_STATUS_GOOD) {
      Describe(handle, device);
      sane_close(handle);
    }
    devices.push_back(std::move(device));
  }
  return devices;
}

Result<std::unique_ptr<Scanner>> Scanner::Open(const std::string& device,
                                               const ScanSettings& settings) {
  CHARTSCAN_RETURN_IF_ERROR(settings.Validate());
  std::string name = device;
  SANE_Handle handle = nullptr;
  {
    std::lock_guard<std::mutex> lock(SaneMutex());
    CHARTSCAN_RETURN_IF_ERROR(EnsureSaneLocked());
    if (name.empty()) {
      CHARTSCAN_ASSIGN_OR_RETURN(std::vector<ListedDevice> listed, ListDevicesLocked());
      if (listed.empty()) return Status::NotFound("no scanner found: SANE lists no devices");
      name = listed.front().name;
    }
    const SANE_Status s = sane_open(name.c_str(), &handle);
    if (s != SANE_STATUS_GOOD) return OpenErrorLocked(name, s);
  }
  auto scanner = std::make_unique<SaneScanner>(name, handle, settings);
  CHARTSCAN_RETURN_IF_ERROR(scanner->Configure(settings));
  return std::unique_ptr<Scanner>(std::move(scanner));
}

}  // namespace chartscan::capture
