// chartscan scanners / chartscan scan: list SANE devices; scan a feeder into the store.
//
// scan prints the progress line while the feeder runs and, when the scanner reports a fault,
// what happened, what to do about it, and the command that continues the same batch. Exit
// status: 0 the feeder ran empty and every page was digitized; 1 a fault stopped the feed, a
// Ctrl-C, or some page failed (every side scanned is kept); 2 the scan could not start.
#include <iostream>

#include <nlohmann/json.hpp>

#include <chartscan/pipeline/scan.h>

#include "commands.h"
#include "progress.h"

namespace chartscan::cli {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string Resolutions(const capture::ScannerDevice& d) {
  if (d.resolutions.empty()) return "";
  if (d.resolution_range && d.resolutions.size() == 2) {
    return std::to_string(d.resolutions[0]) + "-" + std::to_string(d.resolutions[1]) + " dpi";
  }
  std::vector<std::string> r;
  for (int v : d.resolutions) r.push_back(std::to_string(v));
  return Join(r) + " dpi";
}

}  // namespace

int RunScanners(const ScannersArgs& args) {
  auto devices = capture::ListScanners(/*with_options=*/true);
  if (!devices.ok()) {
    std::cerr << "chartscan: " << devices.status().ToString() << "\n";
    return kExitError;
  }
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : *devices) {
      nlohmann::json options = nlohmann::json::array();
      for (const auto& o : d.options) {
        nlohmann::json opt = {{"name", o.name},         {"title", o.title},  {"type", o.type},
                              {"unit", o.unit},         {"value", o.value},  {"choices", o.choices},
                              {"settable", o.settable}, {"active", o.active}};
        if (o.min) opt["min"] = *o.min;
        if (o.max) opt["max"] = *o.max;
        if (o.step) opt["step"] = *o.step;
        options.push_back(opt);
      }
      list.push_back({{"name", d.name},
                      {"vendor", d.vendor},
                      {"model", d.model},
                      {"type", d.type},
                      {"sources", d.sources},
                      {"resolutions", d.resolutions},
                      {"resolution_range", d.resolution_range},
                      {"modes", d.modes},
                      {"options", options}});
    }
    std::cout << nlohmann::json{{"scanners", list}}.dump(2) << "\n";
    return kExitOk;
  }
  if (devices->empty()) {
    std::printf(
        "No scanners found. Check the cable or network, that the scanner is on, and that "
        "SANE knows its backend (scanimage -L).\n");
    return kExitOk;
  }
  for (const auto& d : *devices) {
    std::printf("%s  %s %s (%s)\n", d.name.c_str(), d.vendor.c_str(), d.model.c_str(),
                d.type.c_str());
    if (!d.sources.empty()) std::printf("  sources      %s\n", Join(d.sources).c_str());
    if (!d.resolutions.empty()) std::printf("  resolutions  %s\n", Resolutions(d).c_str());
    if (!d.modes.empty()) std::printf("  modes        %s\n", Join(d.modes).c_str());
    if (args.all_options) {
      for (const auto& o : d.options) {
        if (o.type == "group" || o.name.empty()) continue;
        std::string detail = o.type;
        if (!o.choices.empty()) detail += " " + Join(o.choices);
        if (o.min && o.max) {
          detail += " " + std::to_string(*o.min) + ".." + std::to_string(*o.max);
        }
        std::printf("  --option %s=%s  (%s%s)\n", o.name.c_str(), o.value.c_str(), detail.c_str(),
                    o.active ? "" : ", inactive");
      }
    }
  }
  return kExitOk;
}

int RunScan(const ScanArgs& args) {
  std::optional<WorkStore> work = OpenWorkStore(args.store);
  if (!work) return kExitError;
  const std::string& dir = work->dir;
  auto& store = work->store;
  pipeline::ScanOptions options;
  options.ingest.workers = args.workers;
  // Scanned pages are validated against the store's imported code list, as ingested files are.
  options.ingest.extract.codes = work->codes.get();
  options.ingest.batch_name = args.batch;
  options.ingest.declared_sheets = args.sheets;
  options.resume_batch = args.resume;
  options.device = args.device;
  if (args.resume != 0) {
    // The batch's own device and settings, unless given again on the command line.
    auto batch = store->GetBatch(args.resume);
    if (!batch.ok()) {
      std::cerr << "chartscan: " << batch.status().ToString() << "\n";
      return kExitError;
    }
    std::string device;
    capture::ScanSettings recorded;
    if (Status s = pipeline::ParseScanInputs(batch->inputs, &device, &recorded); !s.ok()) {
      std::cerr << "chartscan: batch " << args.resume << ": " << s.ToString() << "\n";
      return kExitError;
    }
    options.settings = recorded;
    if (options.device.empty()) options.device = device;
  }
  if (!args.source.empty()) options.settings.source = *capture::ParseScanSource(args.source);
  if (!args.mode.empty()) options.settings.color = *capture::ParseScanColor(args.mode);
  if (args.dpi > 0) options.settings.dpi = args.dpi;
  for (const std::string& o : args.device_options) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "chartscan: --option takes NAME=VALUE, got '" << o << "'\n";
      return kExitError;
    }
    options.settings.device_options.emplace_back(o.substr(0, eq), o.substr(eq + 1));
  }
  if (Status s = options.Validate(); !s.ok()) {
    std::cerr << "chartscan: " << s.ToString() << "\n";
    return kExitError;
  }
  auto scanner = capture::Scanner::Open(options.device, options.settings);
  if (!scanner.ok()) {
    std::cerr << "chartscan: cannot open the scanner: " << scanner.status().ToString() << "\n";
    return kExitError;
  }
  if (options.device.empty()) options.device = (*scanner)->device_name();

  InstallInterruptHandler();
  ProgressPrinter printer(!args.quiet && !args.json);
  if (!args.quiet && !args.json) {
    std::fprintf(
        stderr, "Scanning from %s (%s, %d dpi, %s) into %s...\n", (*scanner)->device_name().c_str(),
        std::string(capture::ScanSourceName(options.settings.source)).c_str(), options.settings.dpi,
        std::string(capture::ScanColorName(options.settings.color)).c_str(), dir.c_str());
  }
  auto result = pipeline::Scan(
      *store, **scanner, options, [&](const pipeline::Progress& p) { printer(p); },
      &InterruptFlag());
  printer.Finish();
  RestoreInterruptHandler();
  if (!result.ok()) {
    std::cerr << "chartscan: scan stopped: " << result.status().ToString() << "\n";
    return kExitError;
  }
  const pipeline::ScanSummary& s = *result;
  const pipeline::IngestSummary& in = s.ingest;
  const bool faulted =
      s.fault != capture::ScanFault::kNone && s.fault != capture::ScanFault::kFeederEmpty;
  auto batch = store->GetBatch(in.batch_id);
  if (args.json) {
    nlohmann::json j = {
        {"batch_id", in.batch_id},
        {"store", dir},
        {"device", (*scanner)->device_name()},
        {"sides", s.sides},
        {"pages", in.pages},
        {"blank_pages", in.blank_pages},
        {"failed_pages", in.failed_pages},
        {"documents", in.documents},
        {"charts", in.charts},
        {"fault", std::string(capture::ScanFaultName(s.fault))},
        {"fault_message", s.fault_message},
        {"advice", faulted ? std::string(capture::ScanFaultAdvice(s.fault)) : ""},
        {"stopped", !in.stop_reason.empty()},
        {"resumed", in.resumed},
        {"recovered_sides", s.recovered_sides},
        {"lost_sides", s.lost_sides},
        {"seconds", in.seconds},
        {"feed_seconds", s.feed_seconds},
        {"sides_per_minute", s.feed_seconds > 0 ? s.sides * 60 / s.feed_seconds : 0.0}};
    if (batch.ok()) {
      j["batch_pages"] = batch->pages;
      j["declared_sheets"] = batch->declared_sheets;
      j["sheets_captured"] = batch->sheets_captured();
      j["sheet_mismatch"] = batch->sheet_mismatch();
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf(
        "%s batch %lld from %s: %d sides scanned in this run, %d pages digitized (%d "
        "blank, %d failed)\n",
        in.stop_reason.empty() ? "Scanned" : "Stopped", static_cast<long long>(in.batch_id),
        (*scanner)->device_name().c_str(), s.sides, in.pages, in.blank_pages, in.failed_pages);
    if (in.stop_reason.empty()) {
      std::printf("  documents   %d in %d patient chart%s\n", in.documents, in.charts,
                  in.charts == 1 ? "" : "s");
    }
    if (batch.ok() && batch->declared_sheets > 0) {
      std::printf("  sheets      %d declared, %d captured so far%s\n", batch->declared_sheets,
                  batch->sheets_captured(),
                  batch->sheet_mismatch() && in.stop_reason.empty()
                      ? ": MISMATCH, recount and rescan what is missing"
                      : "");
    }
    if (s.recovered_sides > 0) {
      std::printf("  recovered   %d side%s stored just before chartscan stopped last time\n",
                  s.recovered_sides, s.recovered_sides == 1 ? "" : "s");
    }
    for (const std::string& lost : s.lost_sides) {
      std::printf(
          "LOST: %s was being stored when chartscan stopped last time; scan that sheet "
          "again.\n",
          lost.c_str());
    }
    if (faulted) {
      std::printf("The scanner stopped: %s (%s).\n%s\n",
                  std::string(capture::ScanFaultName(s.fault)).c_str(), s.fault_message.c_str(),
                  std::string(capture::ScanFaultAdvice(s.fault)).c_str());
    }
    if (!in.stop_reason.empty()) {
      std::printf(
          "Every side scanned so far is kept. Continue the same batch with:\n"
          "  chartscan scan --store %s --resume %lld\n",
          dir.c_str(), static_cast<long long>(in.batch_id));
    }
  }
  const bool mismatch = batch.ok() && batch->sheet_mismatch() && in.stop_reason.empty();
  return in.stop_reason.empty() && in.ok() && !mismatch && s.lost_sides.empty() ? kExitOk
                                                                                : kExitSomeFailed;
}

}  // namespace chartscan::cli
