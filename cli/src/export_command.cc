// chartscan export --format jsonl: one JSON object per page, in ingest order.
// chartscan export --format documents-jsonl: one JSON object per assembled document, by id.
//
// The records are written by pipeline/export.h (a contract other tools read: add keys freely,
// never rename or remove one).
// README.md ("Export") documents both formats.
#include <fstream>
#include <iostream>
#include <map>

#include <chartscan/indexer/store.h>
#include <chartscan/pipeline/export.h>

#include "commands.h"

namespace chartscan::cli {

int RunExport(const ExportArgs& args) {
  auto store = OpenExistingStore(args.store);
  if (!store.ok()) {
    std::cerr << "chartscan: " << store.status().ToString() << "\n";
    return kExitError;
  }
  if (Status a = AuditCommandLine(args.store, "export", "store", args.format); !a.ok()) {
    std::cerr << "chartscan: the audit log cannot be written, so nothing is exported: "
              << a.ToString() << "\n";
    return kExitError;
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::out | std::ios::trunc);
    if (!file) {
      std::cerr << "chartscan: cannot write " << args.output << "\n";
      return kExitError;
    }
    out = &file;
  }
  Status s;
  if (args.format == "documents-jsonl") {
    auto charts = (*store)->Charts();
    s = charts.status();
    std::map<std::int64_t, indexer::ChartInfo> by_id;
    if (charts.ok()) {
      for (const indexer::ChartInfo& c : *charts) by_id[c.chart_id] = c;
      s = (*store)->ForEachDocument([&](const indexer::DocumentInfo& d) -> Status {
        auto it = by_id.find(d.chart_id);
        *out << pipeline::ExportDocumentLine(d, it == by_id.end() ? nullptr : &it->second) << '\n';
        if (!*out) return Status::IoError("writing the export failed");
        return Status::Ok();
      });
    }
  } else {
    s = (*store)->ForEachPage([&](const indexer::StoredPage& p) -> Status {
      *out << pipeline::ExportPageLine(p, args.words) << '\n';
      if (!*out) return Status::IoError("writing the export failed");
      return Status::Ok();
    });
  }
  out->flush();
  if (!s.ok()) {
    std::cerr << "chartscan: export failed: " << s.ToString() << "\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace chartscan::cli
