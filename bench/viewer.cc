// chartscan-bench-viewer: the store, the concurrent ingest and the report for bench/viewer.sh
// (the viewer's latency under many clients while an ingest writes, against nginx serving the same
// bytes as static files).
//
//   build   --dir DIR --pages N   the synthetic archive (samples/archive) written into DIR/store
//           with every page laid out and rendered (below), then DIR/page_ids.txt (the archive's
//           page ids), DIR/images.tsv (page id, image file under the store), DIR/queries.tsv (the
//           archive's query set in chartscan syntax, URL-encoded for the load generator) and
//           DIR/manifest.json. Kept and reused by later runs with the same --pages and --seed.
//   writer  --dir DIR             the ingest: pages of a second archive (its own batch), each laid
//           out and rendered as the build does, stored with one PutPages call per document (its
//           source registered first, on the first pass), until SIGTERM/SIGINT; then prints
//           {"pages", "seconds", "errors"} as JSON. Writes DIR/writer.ready when it starts writing
//           (so the clock starts after its setup). Later passes and later runs rewrite the same
//           pages, as a re-ingest would, so the store stops growing.
//   report  --dir DIR             the table from DIR/results/*.json (the load generator's output).
//   free-port                     prints a free loopback TCP port.
//
// Page layout and rendering (what OCR would have produced, without OCR): each line of the page's
// printed text is set in Liberation Serif 11 pt at 300 dpi on a US Letter page (2550 x 3300
// pixels, 1-inch side margins), wrapped at word boundaries; each word gets its box (the line's
// ascent to descent, the word's advance) and a confidence drawn around the page's mean. The glyphs
// are rasterized once (cairo) into a bilevel atlas and copied onto the page, so a page costs
// milliseconds; the page is then encoded exactly as ingest encodes a cleaned bilevel page
// (cleanup::EncodeForDisplay: 1-bit PNG), giving every page its own image file of realistic size.
// The page text stored is the text of those words (lines as wrapped), so hit boxes found by the
// viewer lie over the words drawn.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <cairo.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <chartscan/cleanup/cleanup.h>
#include <chartscan/indexer/store.h>
#include <chartscan/models/page.h>
#include <chartscan/pipeline/catalog.h>
#include <chartscan/samples/archive.h>
#include <chartscan/samples/archive_queries.h>
#include <chartscan/samples/archive_store.h>

namespace {

namespace fs = std::filesystem;
namespace ar = chartscan::samples::archive;
using chartscan::Image;
using chartscan::PixelFormat;
using chartscan::Result;
using chartscan::Status;
using chartscan::indexer::PageWrite;
using chartscan::indexer::Store;
using Clock = std::chrono::steady_clock;

double Secs(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string Now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return buf;
}

// ---- page layout and rendering

constexpr int kPageWidth = 2550;  // US Letter at 300 dpi
constexpr int kPageHeight = 3300;
constexpr int kMarginX = 300;
constexpr int kMarginTop = 300;
constexpr int kMarginBottom = 250;
constexpr double kFontPx = 11.0 * 300.0 / 72.0;  // 11 pt at 300 dpi
constexpr int kSpecks = 60;

struct Glyph {
  int left = 0;  // ink box relative to the pen (x) and the baseline (y, negative up)
  int top = 0;
  int width = 0;
  int height = 0;
  int advance = 0;
  // width x height, 1 = black: kInkVariants copies with their own ragged edges, as a scanned and
  // binarized glyph never comes out the same twice (which is also what makes a real page's PNG
  // two to three times the size of a clean rendering's).
  std::vector<std::vector<std::uint8_t>> ink;
};
constexpr int kInkVariants = 4;
constexpr double kEdgeFlip = 0.2;  // chance that a pixel on a stroke's edge is flipped

// Printable ASCII rasterized once; anything else is drawn as '?'. Immutable once made (shared by
// the decorating threads).
class Font {
 public:
  static Result<Font> Make(const char* family, double px) {
    Font f;
    const int cell = static_cast<int>(px * 3);
    const int pad = static_cast<int>(px);
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, cell, cell);
    cairo_t* cr = cairo_create(surface);
    cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, px);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    f.ascent_ = static_cast<int>(fe.ascent + 0.5);
    f.descent_ = static_cast<int>(fe.descent + 0.5);
    for (int c = 32; c < 127; ++c) {
      const char text[2] = {static_cast<char>(c), 0};
      cairo_save(cr);
      cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
      cairo_paint(cr);
      cairo_restore(cr);
      cairo_text_extents_t te;
      cairo_text_extents(cr, text, &te);
      cairo_move_to(cr, pad, pad + fe.ascent);
      cairo_show_text(cr, text);
      cairo_surface_flush(surface);
      const unsigned char* data = cairo_image_surface_get_data(surface);
      const int stride = cairo_image_surface_get_stride(surface);
      int x0 = cell, y0 = cell, x1 = -1, y1 = -1;
      for (int y = 0; y < cell; ++y) {
        for (int x = 0; x < cell; ++x) {
          if (data[y * stride + x] >= 128) {
            x0 = std::min(x0, x);
            y0 = std::min(y0, y);
            x1 = std::max(x1, x);
            y1 = std::max(y1, y);
          }
        }
      }
      Glyph& g = f.glyphs_[static_cast<std::size_t>(c - 32)];
      g.advance = static_cast<int>(te.x_advance + 0.5);
      if (x1 >= 0) {
        // One pixel more on each side, where a ragged edge may grow.
        x0 = std::max(0, x0 - 1);
        y0 = std::max(0, y0 - 1);
        x1 = std::min(cell - 1, x1 + 1);
        y1 = std::min(cell - 1, y1 + 1);
        g.left = x0 - pad;
        g.top = y0 - pad - f.ascent_;
        g.width = x1 - x0 + 1;
        g.height = y1 - y0 + 1;
        auto at = [&](int x, int y) {
          return x >= 0 && y >= 0 && x < g.width && y < g.height &&
                 data[(y0 + y) * stride + x0 + x] >= 128;
        };
        std::mt19937 rng(static_cast<unsigned>(c));
        std::bernoulli_distribution flip(kEdgeFlip);
        for (int v = 0; v < kInkVariants; ++v) {
          std::vector<std::uint8_t> ink(static_cast<std::size_t>(g.width * g.height));
          for (int y = 0; y < g.height; ++y) {
            for (int x = 0; x < g.width; ++x) {
              const bool on = at(x, y);
              const bool edge = at(x - 1, y) != on || at(x + 1, y) != on || at(x, y - 1) != on ||
                                at(x, y + 1) != on;
              ink[static_cast<std::size_t>(y * g.width + x)] = (edge && flip(rng)) ? !on : on;
            }
          }
          g.ink.push_back(std::move(ink));
        }
      }
    }
    const cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
      return Status::Internal(std::string("cairo: ") + cairo_status_to_string(status));
    }
    if (f.glyphs_['M' - 32].ink.empty())
      return Status::NotFound(std::string("no glyphs for font ") + family);
    return f;
  }

  const Glyph& Get(char c) const {
    const auto u = static_cast<unsigned char>(c);
    return glyphs_[static_cast<std::size_t>(u >= 32 && u < 127 ? u - 32 : '?' - 32)];
  }
  int Advance(std::string_view word) const {
    int w = 0;
    for (char c : word) w += Get(c).advance;
    return w;
  }
  int ascent() const { return ascent_; }
  int descent() const { return descent_; }

 private:
  std::array<Glyph, 95> glyphs_;
  int ascent_ = 0;
  int descent_ = 0;
};

void Draw(const Glyph& g, int variant, int pen_x, int baseline, Image& image) {
  if (g.ink.empty()) return;
  const std::vector<std::uint8_t>& ink = g.ink[static_cast<std::size_t>(variant) % g.ink.size()];
  std::uint8_t* px = image.data();
  for (int y = 0; y < g.height; ++y) {
    const int iy = baseline + g.top + y;
    if (iy < 0 || iy >= image.height()) continue;
    for (int x = 0; x < g.width; ++x) {
      const int ix = pen_x + g.left + x;
      if (ix < 0 || ix >= image.width()) continue;
      if (ink[static_cast<std::size_t>(y * g.width + x)]) {
        px[static_cast<std::size_t>(iy) * static_cast<std::size_t>(image.width()) +
           static_cast<std::size_t>(ix)] = 0;
      }
    }
  }
}

// Lays the page's text out as words with boxes on a 300-dpi page, renders it and attaches the
// encoded image (see the file comment). Safe to call from several threads at once.
Status Decorate(const Font& font, const ar::ArchivePage& page, PageWrite& w, std::string* image_sha,
                bool grey) {
  // Words by line as printed, wrapped to the text width.
  struct VisualLine {
    std::vector<std::string> words;
    int block = 0;
  };
  std::vector<VisualLine> lines;
  const int space = font.Get(' ').advance;
  const int text_width = kPageWidth - 2 * kMarginX;
  int block = 0;
  std::istringstream in(page.text);
  for (std::string printed; std::getline(in, printed); ++block) {
    VisualLine line{{}, block};
    int x = 0;
    std::istringstream words(printed);
    for (std::string word; words >> word;) {
      const int adv = font.Advance(word);
      if (!line.words.empty() && x + space + adv > text_width) {
        lines.push_back(std::move(line));
        line = VisualLine{{}, block};
        x = 0;
      }
      x += (line.words.empty() ? 0 : space) + adv;
      line.words.push_back(std::move(word));
    }
    lines.push_back(std::move(line));  // an empty line keeps its space on the page
  }
  const int usable = kPageHeight - kMarginTop - kMarginBottom;
  const int pitch =
      std::max(font.ascent() + font.descent(),
               std::min(static_cast<int>(kFontPx * 1.25), usable / std::max<int>(1, lines.size())));

  Image image(kPageWidth, kPageHeight, PixelFormat::kGray8, 255);
  chartscan::PageText text;
  std::mt19937_64 rng(0x9e3779b97f4a7c15ull ^ static_cast<std::uint64_t>(page.ordinal));
  std::normal_distribution<double> jitter(0, 4);
  int baseline = kMarginTop + font.ascent();
  for (const VisualLine& line : lines) {
    if (!line.words.empty()) {
      const int line_index = static_cast<int>(text.lines.size());
      chartscan::TextLine tl;
      tl.block = line.block;
      int x = kMarginX;
      for (const std::string& word : line.words) {
        chartscan::Word wd;
        wd.text = word;
        wd.box = {x, baseline - font.ascent(), font.Advance(word), font.ascent() + font.descent()};
        wd.confidence = static_cast<float>(std::clamp(page.confidence + jitter(rng), 0.0, 100.0));
        wd.line = line_index;
        tl.box = tl.box.United(wd.box);
        for (char c : word) {
          const Glyph& g = font.Get(c);
          Draw(g, static_cast<int>(rng() % kInkVariants), x, baseline, image);
          x += g.advance;
        }
        x += space;
        text.words.push_back(std::move(wd));
      }
      text.lines.push_back(tl);
    }
    baseline += pitch;
  }
  // A few specks that cleanup left (it removes most).
  std::uniform_int_distribution<int> speck_x(0, kPageWidth - 3), speck_y(0, kPageHeight - 3);
  for (int k = 0; k < kSpecks; ++k) {
    const int x = speck_x(rng), y = speck_y(rng), size = 1 + static_cast<int>(rng() % 3);
    for (int dy = 0; dy < size; ++dy) {
      for (int dx = 0; dx < size; ++dx) {
        image.data()[static_cast<std::size_t>(y + dy) * kPageWidth +
                     static_cast<std::size_t>(x + dx)] = 0;
      }
    }
  }
  // A greyscale page (bench/release.sh) as cleanup keeps a page it does not binarize (a faint or
  // blurred scan): the strokes in grey levels with the scanner's noise, everything outside the ink
  // set to paper white (cleanup/src/cleanup.cc).
  // Strokes are softened by a 3x3 box (a scanner's optics and the grey levels cleanup keeps), then
  // given sensor noise of +-8 levels; paper stays white.
  if (grey) {
    chartscan::Image soft(kPageWidth, kPageHeight, chartscan::PixelFormat::kGray8, 255);
    std::uniform_int_distribution<int> noise(-8, 8);
    for (int y = 1; y + 1 < kPageHeight; ++y) {
      const std::uint8_t* up = image.row(y - 1);
      const std::uint8_t* mid = image.row(y);
      const std::uint8_t* down = image.row(y + 1);
      std::uint8_t* out = soft.row(y);
      for (int x = 1; x + 1 < kPageWidth; ++x) {
        const int sum = up[x - 1] + up[x] + up[x + 1] + mid[x - 1] + mid[x] + mid[x + 1] +
                        down[x - 1] + down[x] + down[x + 1];
        if (sum == 9 * 255) continue;
        // Ink is dark grey (60), not black, as on a faint or toner-light original.
        const int v = 60 + (sum / 9) * (255 - 60) / 255;
        out[x] = static_cast<std::uint8_t>(std::clamp(v + noise(rng), 0, 255));
      }
    }
    image = std::move(soft);
  }
  chartscan::FinalizePageText(text);
  text.origin = chartscan::TextOrigin::kOcr;
  w.text = std::move(text);
  w.quality.ocr_confidence = w.text.mean_confidence;
  w.quality.binarized = !grey;
  w.quality.dpi = 300;

  chartscan::cleanup::CleanedPage cleaned;
  cleaned.image = std::move(image);
  cleaned.dpi = 300;
  cleaned.quality = w.quality;
  CHARTSCAN_ASSIGN_OR_RETURN(chartscan::cleanup::EncodedImage encoded,
                             chartscan::cleanup::EncodeForDisplay(cleaned));
  // The thumbnail ingest stores with every page (pipeline::MakeThumbnail).
  CHARTSCAN_ASSIGN_OR_RETURN(w.thumb_bytes,
                             chartscan::pipeline::MakeThumbnail(cleaned.image.view()));
  if (image_sha) *image_sha = Store::Sha256Hex(encoded.bytes);
  w.image_bytes = std::move(encoded.bytes);
  w.image_format = encoded.format;
  w.image_width = encoded.width;
  w.image_height = encoded.height;
  return Status::Ok();
}

Result<std::unique_ptr<Store>> OpenStore(const fs::path& dir) {
  chartscan::indexer::StoreOptions so;
  so.dir = (dir / "store").string();
  return Store::Open(so);
}

std::string UrlEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// ---- build

struct BuildOptions {
  std::string dir;
  std::int64_t pages = 10'000;
  std::uint64_t seed = 1;
  bool rebuild = false;
  int threads = 0;    // decorating threads; 0: one per core
  bool grey = false;  // 8-bit grey pages (noisy paper, grey ink) instead of bilevel ones
};

int RunBuild(const BuildOptions& opt) {
  const fs::path dir = opt.dir;
  const fs::path manifest_path = dir / "manifest.json";
  if (!opt.rebuild && fs::exists(manifest_path)) {
    std::ifstream in(manifest_path);
    const nlohmann::json m = nlohmann::json::parse(in, nullptr, false);
    if (!m.is_discarded() && m.value("pages", std::int64_t{0}) == opt.pages &&
        m.value("seed", std::uint64_t{0}) == opt.seed && m.value("grey", false) == opt.grey &&
        fs::exists(dir / "store")) {
      std::fprintf(stderr, "reusing the store built %s (%lld pages, %.0f s to build)\n",
                   m.value("built", std::string()).c_str(), static_cast<long long>(opt.pages),
                   m.value("seconds", 0.0));
      return 0;
    }
  }
  std::error_code ec;
  fs::remove_all(dir / "store", ec);
  fs::remove(manifest_path, ec);
  fs::create_directories(dir, ec);

  Result<Font> font = Font::Make("Liberation Serif", kFontPx);
  if (!font.ok()) {
    std::fprintf(stderr, "font: %s\n", font.status().ToString().c_str());
    return 1;
  }
  Result<std::unique_ptr<Store>> store = OpenStore(dir);
  if (!store.ok()) {
    std::fprintf(stderr, "store: %s\n", store.status().ToString().c_str());
    return 1;
  }
  ar::ArchiveOptions ao;
  ao.seed = opt.seed;
  ao.pages = opt.pages;
  const ar::Archive archive(ao);
  std::vector<std::string> shas(static_cast<std::size_t>(opt.pages));
  std::atomic<std::int64_t> image_bytes{0};
  ar::WriteOptions wo;
  wo.pages_per_call = 500;
  wo.decorate_threads = opt.threads > 0
                            ? opt.threads
                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  wo.decorate = [&](const ar::ArchiveDocument&, const ar::ArchivePage& page, PageWrite& w) {
    CHARTSCAN_RETURN_IF_ERROR(
        Decorate(*font, page, w, &shas[static_cast<std::size_t>(page.ordinal)], opt.grey));
    image_bytes += static_cast<std::int64_t>(w.image_bytes.size());
    return Status::Ok();
  };
  const auto start = Clock::now();
  Result<ar::WriteResult> written = ar::WriteArchive(archive, **store, wo, {}, [&](std::int64_t n) {
    std::fprintf(stderr, "\r  %lld / %lld pages, %.0f s", static_cast<long long>(n),
                 static_cast<long long>(opt.pages), Secs(start));
  });
  std::fprintf(stderr, "\n");
  if (!written.ok()) {
    std::fprintf(stderr, "build: %s\n", written.status().ToString().c_str());
    return 1;
  }
  const double seconds = Secs(start);
  {
    std::ofstream ids(dir / "page_ids.txt");
    std::ofstream images(dir / "images.tsv");
    for (std::size_t k = 0; k < written->page_ids.size(); ++k) {
      ids << written->page_ids[k] << "\n";
      images << written->page_ids[k] << "\timages/" << shas[k].substr(0, 2) << "/" << shas[k]
             << ".png\n";
    }
  }
  // The whole query set, each in chartscan's syntax: category, URL-encoded query, query.
  std::vector<ar::ArchiveQuery> queries = ar::ChooseQueries(archive, opt.seed);
  {
    std::ofstream q(dir / "queries.tsv");
    for (const ar::ArchiveQuery& aq : queries) {
      const std::string text = ar::RenderQuery(aq.root, written->batch_ids);
      q << ar::QueryCategoryName(aq.category) << "\t" << UrlEncode(text) << "\t" << text << "\n";
    }
  }
  const ar::WriteTimes& t = written->times;
  nlohmann::json m = {{"pages", written->pages},
                      {"seed", opt.seed},
                      {"grey", opt.grey},
                      {"documents", written->documents},
                      {"patients", archive.patients().size()},
                      {"queries", queries.size()},
                      {"image_bytes", image_bytes.load()},
                      {"seconds", seconds},
                      {"decorate_seconds", t.decorate},
                      {"decorate_threads", wo.decorate_threads},
                      {"store_seconds", t.store()},
                      {"built", Now()}};
  std::ofstream(manifest_path) << m.dump(1) << "\n";
  std::fprintf(stderr,
               "built %lld pages in %.0f s (layout and rendering %.0f s on %d threads, store "
               "calls %.0f s); images %.0f KB a page on average\n",
               static_cast<long long>(written->pages), seconds, t.decorate, wo.decorate_threads,
               t.store(),
               static_cast<double>(image_bytes.load()) / 1024.0 /
                   static_cast<double>(std::max<std::int64_t>(1, written->pages)));
  return 0;
}

// ---- writer

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

struct WriterOptions {
  std::string dir;
  std::int64_t pages = 2'000;
  std::uint64_t seed = 1;
};

int RunWriter(const WriterOptions& opt) {
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  const fs::path dir = opt.dir;
  Result<Font> font = Font::Make("Liberation Serif", kFontPx);
  if (!font.ok()) {
    std::fprintf(stderr, "font: %s\n", font.status().ToString().c_str());
    return 1;
  }
  Result<std::unique_ptr<Store>> opened = OpenStore(dir);
  if (!opened.ok()) {
    std::fprintf(stderr, "store: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  Store& store = **opened;
  ar::ArchiveOptions ao;
  ao.seed = opt.seed ^ 0x5752495445ull;  // "WRITE", as bench/search.cc's writer
  ao.pages = opt.pages;
  ao.pages_per_batch = static_cast<int>(opt.pages + 1);
  std::vector<ar::ArchiveDocument> docs;
  (void)ar::Archive(ao).ForEachDocument([&](const ar::ArchiveDocument& d) {
    docs.push_back(d);
    return Status::Ok();
  });
  chartscan::indexer::BatchStart start;
  start.name = "bench-viewer writer";
  auto claim = store.CreateBatch(start);
  if (!claim.ok()) {
    std::fprintf(stderr, "writer batch: %s\n", claim.status().ToString().c_str());
    return 1;
  }
  const std::int64_t batch = (*claim)->batch_id();
  std::vector<std::int64_t> sources(docs.size(), 0);  // registered when first written
  std::ofstream(dir / "writer.ready") << "ready\n";
  const auto t0 = Clock::now();
  std::int64_t pages = 0;
  int errors = 0;
  std::string first_error;
  for (std::size_t at = 0; !g_stop; at = (at + 1) % docs.size()) {
    const ar::ArchiveDocument& d = docs[at];
    if (sources[at] == 0) {
      const std::string text = d.text();
      auto src = store.RegisterSource(batch, "writer/" + d.path, Store::Sha256Hex(text), "pdf",
                                      text.size(), static_cast<int>(d.pages.size()));
      if (!src.ok()) {
        if (errors++ == 0) first_error = src.status().ToString();
        continue;
      }
      sources[at] = src->source_id;
    }
    std::vector<PageWrite> writes;
    for (const ar::ArchivePage& p : d.pages) {
      PageWrite w = ar::ToPageWrite(d, p, sources[at]);
      w.batch_id = batch;
      if (Status s = Decorate(*font, p, w, nullptr, false); !s.ok()) {
        std::fprintf(stderr, "writer: %s\n", s.ToString().c_str());
        return 1;
      }
      writes.push_back(std::move(w));
    }
    auto r = store.PutPages(writes);
    if (!r.ok()) {
      if (errors++ == 0) first_error = r.status().ToString();
      continue;
    }
    pages += static_cast<std::int64_t>(writes.size());
  }
  const double seconds = Secs(t0);
  (void)store.FinishBatch(batch);
  std::printf("%s\n", nlohmann::json({{"pages", pages},
                                      {"seconds", seconds},
                                      {"errors", errors},
                                      {"first_error", first_error}})
                          .dump()
                          .c_str());
  return 0;
}

// ---- report

struct Kind {
  bool present = false;
  std::int64_t n = 0;
  double p50 = 0, p95 = 0, p99 = 0, max = 0;
  std::int64_t non2xx = 0, server_errors = 0;
  double per_set = 0;  // thumbs per search (search_thumbs)
};

struct Run {
  bool present = false;
  double seconds = 0;
  std::int64_t requests = 0;
  int clients = 0;
  int clients_answered = 0;  // clients that got any answer in the whole run
  nlohmann::json errors;
  std::map<std::string, Kind> kinds;
  std::map<std::string, std::string> samples;  // first non-2xx answer of each kind
  double writer_rate = -1;
  int writer_errors = 0;
  std::string writer_first_error;
};

Run LoadRun(const fs::path& file) {
  Run r;
  std::ifstream in(file);
  if (!in) return r;
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) return r;
  r.present = true;
  r.seconds = j.value("seconds", 0.0);
  r.requests = j.value("requests", std::int64_t{0});
  r.clients = j.value("clients", 0);
  r.clients_answered = j.value("clients_answered", 0);
  r.errors = j.value("errors", nlohmann::json::object());
  const nlohmann::json kinds = j.value("kinds", nlohmann::json::object());
  for (const auto& [name, k] : kinds.items()) {
    Kind kd;
    kd.present = true;
    kd.n = k.value("n", std::int64_t{0});
    kd.p50 = k.value("p50", 0.0);
    kd.p95 = k.value("p95", 0.0);
    kd.p99 = k.value("p99", 0.0);
    kd.max = k.value("max", 0.0);
    kd.non2xx = k.value("non2xx", std::int64_t{0});
    kd.server_errors = k.value("5xx", std::int64_t{0});
    kd.per_set = k.value("per_set", 0.0);
    r.kinds[name] = kd;
    if (k.contains("sample")) r.samples[name] = k.at("sample").get<std::string>();
  }
  if (j.contains("writer") && j.at("writer").is_object()) {
    const auto& w = j.at("writer");
    const double s = w.value("seconds", 0.0);
    r.writer_rate = s > 0 ? static_cast<double>(w.value("pages", std::int64_t{0})) / s : 0;
    r.writer_errors = w.value("errors", 0);
    r.writer_first_error = w.value("first_error", std::string());
  }
  return r;
}

std::string F(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
// Milliseconds as the README prints them: whole numbers from 10, one decimal from 1, two below.
std::string Ms(double v) { return v < 1 ? F(v, 2) : v < 10 ? F(v, 1) : F(v, 0); }
std::string Ratio(double a, double b) {
  if (b <= 0) return "-";
  const double r = a / b;
  if (r < 1) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2gx", r);
    return buf;
  }
  return (r < 10 ? F(r, 1) : F(r, 0)) + "x";
}
std::string Quad(const Kind& k) {
  return Ms(k.p50) + " / " + Ms(k.p95) + " / " + Ms(k.p99) + " / " + Ms(k.max);
}
std::string QuadRatio(const Kind& a, const Kind& b) {
  return Ratio(a.p50, b.p50) + " / " + Ratio(a.p95, b.p95) + " / " + Ratio(a.p99, b.p99) + " / " +
         Ratio(a.max, b.max);
}

int RunReport(const std::string& dir_arg, const std::vector<int>& clients) {
  const fs::path dir = fs::path(dir_arg) / "results";
  std::vector<std::string> problems;
  {
    std::ifstream in(fs::path(dir_arg) / "manifest.json");
    const nlohmann::json m = nlohmann::json::parse(in, nullptr, false);
    if (!m.is_discarded()) {
      const double pages = m.value("pages", 0.0);
      std::printf(
          "Store: %lld pages (%lld documents, %lld patients), page images %.0f KB on average "
          "(300 dpi, 1-bit PNG), built %s in %.0f s.\n\n",
          static_cast<long long>(pages), m.value("documents", 0LL), m.value("patients", 0LL),
          pages > 0 ? m.value("image_bytes", 0.0) / pages / 1024 : 0.0,
          m.value("built", std::string()).c_str(), m.value("seconds", 0.0));
    }
  }
  std::printf(
      "| | chartscan serve | nginx (same bytes, static) | ratio | target |\n"
      "|---|---:|---:|---:|---|\n");
  for (int c : clients) {
    const std::string cs = "-c" + std::to_string(c) + ".json";
    struct Scenario {
      const char* file;
      const char* title;
    };
    for (const Scenario sc :
         {Scenario{"search", "search"}, Scenario{"search_thumbs", "search + its thumbnails"},
          Scenario{"page", "page view"}}) {
      const Run a = LoadRun(dir / ("chartscan-" + std::string(sc.file) + cs));
      const Run b = LoadRun(dir / ("nginx-" + std::string(sc.file) + cs));
      if (!a.present) continue;
      auto row = [&](const std::string& what, const std::string& kind, const char* target) {
        auto ia = a.kinds.find(kind);
        if (ia == a.kinds.end()) return;
        auto ib = b.kinds.find(kind);
        const Kind kb = ib == b.kinds.end() ? Kind{} : ib->second;
        std::printf("| %d clients, %s: %s p50 / p95 / p99 / max ms | %s | %s | %s | %s |\n", c,
                    sc.title, what.c_str(), Quad(ia->second).c_str(),
                    kb.present ? Quad(kb).c_str() : "-",
                    kb.present ? QuadRatio(ia->second, kb).c_str() : "-", target);
        for (const Run* r : {&a, &b}) {
          const auto k = r->kinds.find(kind);
          if (k == r->kinds.end() || k->second.non2xx == 0) continue;
          const auto sample = r->samples.find(kind);
          problems.push_back(std::string(r == &a ? "chartscan" : "nginx") + ", " +
                             std::to_string(c) + " clients, " + sc.title + ", " + kind + ": " +
                             std::to_string(k->second.non2xx) + " of " +
                             std::to_string(k->second.n) + " answers not 2xx (" +
                             std::to_string(k->second.server_errors) + " 5xx)" +
                             (sample != r->samples.end() ? "; first: " + sample->second : ""));
        }
      };
      auto rate = [](const Run& r) {
        return r.seconds > 0 ? static_cast<double>(r.requests) / r.seconds : 0;
      };
      if (std::string(sc.file) == "search") {
        row("search", "search", "p95 < 200 ms");
      } else if (std::string(sc.file) == "search_thumbs") {
        row("search", "search", "p95 < 200 ms");
        row("thumbnail", "thumb", "");
        const auto set = a.kinds.find("set");
        const std::string per =
            set != a.kinds.end() ? F(set->second.per_set, 1) + " thumbnails" : "thumbnails";
        row("search then its " + per + " one after another", "set", "");
      } else {
        row("page JSON (words, hits)", "page", "");
        row("page image (cleaned PNG)", "image", "p95 < 100 ms");
      }
      auto served = [](const Run& r) {
        return r.clients_answered == r.clients
                   ? std::string()
                   : " (" + std::to_string(r.clients_answered) + " of " +
                         std::to_string(r.clients) + " clients answered)";
      };
      std::printf("| %d clients, %s: requests/s (all kinds) | %s%s | %s%s | %s | |\n", c, sc.title,
                  F(rate(a), 0).c_str(), served(a).c_str(), b.present ? F(rate(b), 0).c_str() : "-",
                  b.present ? served(b).c_str() : "",
                  b.present ? Ratio(rate(a), rate(b)).c_str() : "-");
      if (a.writer_rate >= 0 || b.writer_rate >= 0) {
        std::printf("| %d clients, %s: writer pages/s meanwhile | %s | %s | %s | |\n", c, sc.title,
                    a.writer_rate >= 0 ? F(a.writer_rate, 1).c_str() : "-",
                    b.writer_rate >= 0 ? F(b.writer_rate, 1).c_str() : "-",
                    Ratio(a.writer_rate, b.writer_rate).c_str());
      }
      for (const Run* r : {&a, &b}) {
        if (r->writer_errors > 0) {
          problems.push_back(std::string(r == &a ? "chartscan" : "nginx") + " run, " +
                             std::to_string(c) + " clients, " + sc.title + ": writer had " +
                             std::to_string(r->writer_errors) +
                             " failed PutPages; first: " + r->writer_first_error);
        }
        if (!r->present) continue;
        if (r->clients_answered < r->clients) {
          problems.push_back(
              std::string(r == &a ? "chartscan" : "nginx") + ", " + std::to_string(c) +
              " clients, " + sc.title + ": " + std::to_string(r->clients - r->clients_answered) +
              " of " + std::to_string(r->clients) +
              " clients got no answer at all during the run; their waits are in no latency "
              "above, which are those of the clients served");
        }
        for (const char* e : {"connect", "read", "write", "timeout"}) {
          const std::int64_t n = r->errors.value(e, std::int64_t{0});
          if (n > 0) {
            problems.push_back(std::string(r == &a ? "chartscan" : "nginx") + ", " +
                               std::to_string(c) + " clients, " + sc.title + ": " +
                               std::to_string(n) + " socket " + e + " errors (wrk)");
          }
        }
      }
    }
  }
  if (!problems.empty()) {
    std::printf("\nProblems:\n");
    for (const std::string& p : problems) std::printf("- %s\n", p.c_str());
  }
  return 0;
}

int RunFreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    return 1;
  }
  std::printf("%d\n", ntohs(a.sin_port));
  ::close(fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"chartscan-bench-viewer: store, ingest and report for bench/viewer.sh"};
  app.require_subcommand(1);
  BuildOptions build;
  CLI::App* build_cmd = app.add_subcommand("build", "Build (or reuse) the rendered archive");
  build_cmd->add_option("--dir", build.dir, "Work folder (the store is DIR/store)")->required();
  build_cmd->add_option("--pages", build.pages, "Pages in the archive")
      ->check(CLI::Range(1, 10'000'000));
  build_cmd->add_option("--seed", build.seed, "Archive seed");
  build_cmd->add_flag("--grey", build.grey, "8-bit grey pages instead of bilevel ones");
  build_cmd->add_option("--threads", build.threads, "Layout and rendering threads (0: per core)");
  build_cmd->add_flag("--rebuild", build.rebuild, "Rebuild even when the store is there");
  WriterOptions writer;
  CLI::App* writer_cmd = app.add_subcommand("writer", "Write pages until SIGTERM");
  writer_cmd->add_option("--dir", writer.dir, "Work folder (the store is DIR/store)")->required();
  writer_cmd->add_option("--pages", writer.pages, "Pages the writer cycles through")
      ->check(CLI::Range(1, 1'000'000));
  writer_cmd->add_option("--seed", writer.seed, "Archive seed (the writer's is derived from it)");
  std::string report_dir;
  std::vector<int> clients{8, 32};
  CLI::App* report_cmd = app.add_subcommand("report", "Print the table of DIR/results");
  report_cmd->add_option("--dir", report_dir, "Work folder")->required();
  report_cmd->add_option("--clients", clients, "Client counts, in the table's order");
  CLI::App* port_cmd = app.add_subcommand("free-port", "Print a free loopback port");
  CLI11_PARSE(app, argc, argv);
  if (*build_cmd) return RunBuild(build);
  if (*writer_cmd) return RunWriter(writer);
  if (*report_cmd) return RunReport(report_dir, clients);
  if (*port_cmd) return RunFreePort();
  return 2;
}
