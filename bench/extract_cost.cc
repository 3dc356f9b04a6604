// chartscan-bench-extract: what field extraction and document typing add to a page's processing.
//
// For every page file of a generated batch it runs, in this process and one after the other, the
// per-page stages as the pipeline does (capture, cleanup, OCR) and then extraction
// (Extractor::ExtractPage and ClassifyPage) on the recognized text, timing each with a steady
// clock. It prints the total seconds of each stage and extraction's share of the page's time:
// the brief asks that extraction add under 5%. The ratio is what matters: both sides ran on the
// same machine in the same run.
//
// Usage: chartscan-bench-extract DIR [MAX_PAGES]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <chartscan/capture/source.h>
#include <chartscan/cleanup/cleanup.h>
#include <chartscan/extract/extractor.h>
#include <chartscan/ocr/engine.h>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace chartscan;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [MAX_PAGES]\n", argv[0]);
    return 2;
  }
  const int max_pages = argc > 2 ? std::atoi(argv[2]) : 1000000;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(argv[1])) {
    const std::string ext = e.path().extension().string();
    if (ext == ".png" || ext == ".jpg" || ext == ".tif" || ext == ".pdf") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());

  auto engine = ocr::Engine::Create({});
  auto extractor = extract::Extractor::Create({});
  if (!engine.ok() || !extractor.ok()) {
    std::fprintf(stderr, "cannot create the OCR engine or the extractor\n");
    return 1;
  }
  double capture_s = 0, cleanup_s = 0, ocr_s = 0, extract_s = 0;
  int pages = 0, fields = 0;
  for (const fs::path& f : files) {
    if (pages >= max_pages) break;
    auto t = Clock::now();
    std::ifstream in(f, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    auto source = capture::SourceReader::Open(bytes.str(), f.string(), {});
    if (!source.ok()) continue;
    auto page = (*source)->ReadPage(0);
    capture_s += Since(t);
    if (!page.ok()) continue;
    t = Clock::now();
    auto cleaned = cleanup::CleanPage(page->image.view(), page->resolution, page->bilevel, {});
    cleanup_s += Since(t);
    if (!cleaned.ok() || cleaned->blank) continue;
    t = Clock::now();
    auto rec = (*engine)->Recognize(cleaned->ocr_view(), cleaned->dpi);
    ocr_s += Since(t);
    if (!rec.ok()) continue;
    t = Clock::now();
    const std::vector<Field> found = extractor->ExtractPage(rec->text, 0);
    const DocumentType type = extractor->ClassifyPage(rec->text);
    extract_s += Since(t);
    fields += static_cast<int>(found.size()) + (type.name.empty() ? 0 : 1);
    ++pages;
  }
  if (pages == 0) {
    std::fprintf(stderr, "no pages recognized under %s\n", argv[1]);
    return 1;
  }
  const double total = capture_s + cleanup_s + ocr_s + extract_s;
  std::printf("%d pages, %d fields and types\n\n", pages, fields);
  std::printf("| stage | seconds/page | share of the page's time |\n|---|---:|---:|\n");
  for (auto [name, s] : {std::pair{"capture", capture_s}, std::pair{"cleanup", cleanup_s},
                         std::pair{"ocr", ocr_s}, std::pair{"extract", extract_s}}) {
    std::printf("| %s | %.4f | %.2f%% |\n", name, s / pages, 100 * s / total);
  }
  std::printf("\nextraction adds %.2f%% to capture + cleanup + OCR (target < 5%%)\n",
              100 * extract_s / (total - extract_s));
  return 0;
}
