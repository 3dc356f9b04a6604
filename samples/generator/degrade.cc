// Degradation profiles. See degrade.h for what each one simulates.
//
// Method: the ink map becomes a float grey page in three steps, in the order the physical effects
// happen. (1) Paper: a base tone with low-frequency blotches, the mirrored and blurred ink of the
// back side (bleed-through) and punch holes; ink is laid on it with a darkness ("ink tone") and a
// per-area strength (fading). (2) Scanner geometry: the sheet is rotated by the skew about its
// centre and placed on a canvas that may be larger than the sheet (the scanner lid shows around
// it). (3) Optics and sensor: illumination gradient, binding shadow, blur, gaussian noise, salt
// and pepper, and finally the turn by the orientation. Fax pages are thresholded to bilevel after
// step 2 with a noisy, unevenly drifting threshold and dropped rows.
//
// Parameters are in inches or points converted with the page's dpi, so a profile looks the same
// at any resolution. The geometry of steps 2 and 3 is recorded as page_to_image.
#include "degrade.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace chartscan::samples {
namespace {

struct Params {
  double paper = 250;    // base paper grey
  double paper_var = 0;  // +- blotch amplitude
  double ink_tone = 15;  // grey of full ink
  double fade = 0;       // 0: even ink; up to 1: ink strength drops by this much in places
  double bleed = 0;      // back-side ink as a fraction of darkening
  double skew_lo = 0;    // |skew| range in degrees
  double skew_hi = 0;
  double margin_in = 0;    // scanner canvas beyond the sheet, inches per side (max)
  double lid = -1;         // grey of the scanner lid; < 0: same as the paper
  double gradient = 0;     // illumination falls by up to this fraction across the page
  double shadow = 0;       // binding shadow depth (fraction) at one edge
  double blur = 0;         // gaussian sigma in pixels at 300 dpi
  double noise = 0;        // gaussian noise sd in grey levels
  double salt_pepper = 0;  // fraction of pixels flipped (in small clusters)
  bool holes = false;
  bool white_point = false;  // the scanner maps paper to pure white (background removal)
  bool photocopy = false;
  int orientation = 0;
};

Params ParamsFor(std::string_view profile, Rng& rng) {
  Params p;
  if (profile == "clean") {
    p.paper = rng.Uniform(248, 255);
    p.ink_tone = rng.Uniform(5, 20);
    p.skew_hi = 0.3;
    p.noise = rng.Uniform(1, 2.5);
    p.blur = 0.5;
    p.white_point = true;
  } else if (profile == "light") {
    p.paper = rng.Uniform(228, 242);
    p.paper_var = rng.Uniform(3, 7);
    p.ink_tone = rng.Uniform(20, 45);
    p.skew_lo = 0.3;
    p.skew_hi = 2.0;
    p.noise = rng.Uniform(4, 7);
    p.gradient = rng.Uniform(0, 0.06);
    p.blur = rng.Uniform(0.6, 0.9);
    p.salt_pepper = rng.Uniform(0, 0.0005);
  } else if (profile == "heavy") {
    p.paper = rng.Uniform(195, 212);
    p.paper_var = rng.Uniform(12, 20);
    p.ink_tone = rng.Uniform(60, 85);
    p.fade = rng.Uniform(0.1, 0.25);
    p.bleed = rng.Uniform(0.15, 0.25);
    p.skew_lo = 1.0;
    p.skew_hi = 3.0;
    p.margin_in = rng.Uniform(0.2, 0.45);
    p.lid = rng.Uniform(25, 50);
    p.gradient = rng.Uniform(0.2, 0.3);
    p.shadow = rng.Uniform(0.45, 0.6);
    p.blur = rng.Uniform(0.9, 1.3);
    p.noise = rng.Uniform(14, 20);
    p.salt_pepper = rng.Uniform(0.008, 0.015);
    p.holes = true;
  } else if (profile == "fax") {
    p.paper = 255;
    p.ink_tone = 0;
    p.skew_hi = 1.2;
    p.lid = 255;
    p.noise = rng.Uniform(25, 40);
  } else if (profile == "faint") {
    p.paper = rng.Uniform(236, 248);
    p.paper_var = rng.Uniform(2, 5);
    p.ink_tone = rng.Uniform(165, 190);
    p.fade = rng.Uniform(0.2, 0.35);
    p.skew_hi = 1.0;
    p.blur = rng.Uniform(0.7, 1.0);
    p.noise = rng.Uniform(2.5, 4);
  } else if (profile == "photocopy") {
    p.paper = rng.Uniform(222, 236);
    p.paper_var = rng.Uniform(4, 9);
    p.ink_tone = 0;
    p.skew_lo = 0.2;
    p.skew_hi = 1.5;
    p.margin_in = rng.Uniform(0.05, 0.15);
    p.lid = rng.Uniform(10, 30);
    p.noise = rng.Uniform(5, 9);
    p.salt_pepper = rng.Uniform(0.0005, 0.002);
    p.blur = 0.8;
    p.photocopy = true;
  } else if (profile == "lowres") {
    p.paper = rng.Uniform(232, 248);
    p.paper_var = rng.Uniform(2, 5);
    p.ink_tone = rng.Uniform(25, 50);
    p.skew_hi = 1.0;
    p.blur = rng.Uniform(0.8, 1.1);
    p.noise = rng.Uniform(3, 5);
  } else if (profile == "rotated") {
    p.paper = rng.Uniform(232, 248);
    p.paper_var = rng.Uniform(2, 5);
    p.ink_tone = rng.Uniform(15, 35);
    p.skew_hi = 1.5;
    p.noise = rng.Uniform(3, 6);
    p.blur = 0.7;
    p.orientation = rng.Pick({90, 180, 270});
  } else {  // blank
    p.paper = rng.Uniform(232, 252);
    p.paper_var = rng.Uniform(2, 8);
    p.bleed = rng.Chance(0.45) ? rng.Uniform(0.04, 0.1) : 0;
    p.skew_hi = 1.5;
    p.noise = rng.Uniform(2, 7);
    p.salt_pepper = rng.Uniform(0, 0.0004);
    p.blur = 0.7;
  }
  return p;
}

// A smooth random field in [-1, 1] with features about `cell` pixels across.
cv::Mat SmoothField(cv::Size size, double cell, Rng& rng) {
  int gw = std::max(2, static_cast<int>(std::ceil(size.width / cell)) + 1);
  int gh = std::max(2, static_cast<int>(std::ceil(size.height / cell)) + 1);
  cv::Mat grid(gh, gw, CV_32F);
  for (int y = 0; y < gh; ++y) {
    for (int x = 0; x < gw; ++x) grid.at<float>(y, x) = static_cast<float>(rng.Uniform(-1, 1));
  }
  cv::Mat out;
  cv::resize(grid, out, size, 0, 0, cv::INTER_CUBIC);
  return cv::min(cv::max(out, -1.0), 1.0);
}

cv::Mat Noise(cv::Size size, double sd, Rng& rng) {
  cv::Mat n(size, CV_32F);
  cv::RNG r(rng.Next());
  r.fill(n, cv::RNG::NORMAL, 0, sd);
  return n;
}

// Small dark and light clusters (1-2 px at 300 dpi), as dust and sensor dropouts look.
void SaltPepper(cv::Mat& img, double fraction, double dark, double light, Rng& rng) {
  if (fraction <= 0) return;
  cv::Mat u(img.size(), CV_32F);
  cv::RNG r(rng.Next());
  r.fill(u, cv::RNG::UNIFORM, 0.0, 1.0);
  cv::Mat pepper = u<fraction * 0.25, salt = u> 1 - fraction * 0.25;
  cv::Mat k = cv::getStructuringElement(cv::MORPH_RECT, {2, 2});
  cv::dilate(pepper, pepper, k);
  cv::dilate(salt, salt, k);
  img.setTo(dark, pepper);
  img.setTo(light, salt);
}

void Blur(cv::Mat& img, double sigma_300, int dpi) {
  double s = sigma_300 * dpi / 300.0;
  if (s >= 0.3) cv::GaussianBlur(img, img, {0, 0}, s);
}

// The map of cv::rotate for a clockwise fix of `orientation` (the image is turned the other way).
cv::Matx33d OrientationMap(int orientation, int w, int h) {
  switch (orientation) {
    case 90:  // stored turned counter-clockwise: (x, y) -> (y, w - x)
      return {0, 1, 0, -1, 0, static_cast<double>(w), 0, 0, 1};
    case 180:
      return {-1, 0, static_cast<double>(w), 0, -1, static_cast<double>(h), 0, 0, 1};
    case 270:  // stored turned clockwise: (x, y) -> (h - y, x)
      return {0, -1, static_cast<double>(h), 1, 0, 0, 0, 0, 1};
    default:
      return cv::Matx33d::eye();
  }
}

void Photocopy(cv::Mat& img, const cv::Mat& inkf, int dpi, Rng& rng) {
  // Halftone screen on the grey background: a dot pattern whose dots are visible only where the
  // paper is (ink areas are solid).
  double period = dpi / 300.0 * rng.Uniform(4.5, 6.5);
  double amp = rng.Uniform(8, 14);
  cv::Mat screen(img.size(), CV_32F);
  for (int y = 0; y < img.rows; ++y) {
    float* row = screen.ptr<float>(y);
    double sy = std::cos(2 * M_PI * (y + 0.5 * (y % 2)) / period);
    for (int x = 0; x < img.cols; ++x) {
      row[x] = static_cast<float>(amp * 0.5 * (std::cos(2 * M_PI * x / period) + sy));
    }
  }
  cv::Mat paper_mask = 1.0 - inkf;
  img -= screen.mul(paper_mask);
  // Toner specks.
  int specks = rng.Int(150, 600);
  for (int i = 0; i < specks; ++i) {
    cv::Point c(rng.Int(0, img.cols - 1), rng.Int(0, img.rows - 1));
    int r = std::max(1, static_cast<int>(rng.Uniform(0.5, 2.5) * dpi / 300.0));
    cv::circle(img, c, r, cv::Scalar(rng.Uniform(10, 90)), cv::FILLED, cv::LINE_AA);
  }
  // Drum streaks: long vertical bands, darker, uneven along their length.
  int streaks = rng.Int(1, 4);
  for (int i = 0; i < streaks; ++i) {
    int x = rng.Int(0, img.cols - 1);
    int w = std::max(1, static_cast<int>(rng.Uniform(1, 6) * dpi / 300.0));
    double depth = rng.Uniform(20, 70);
    cv::Mat band = img.colRange(x, std::min(img.cols, x + w));
    cv::Mat f = (SmoothField(band.size(), 200, rng) + 1.0) * 0.5 * depth;
    band -= f;
  }
}

void PunchHoles(cv::Mat& img, double lid, int dpi_x, int dpi_y, Rng& rng) {
  int n = rng.Chance(0.6) ? 3 : 2;
  double cx = rng.Uniform(0.3, 0.45) * dpi_x;
  double r = 0.13;
  std::vector<double> ys = n == 3 ? std::vector<double>{0.5 - 4.25 / 11, 0.5, 0.5 + 4.25 / 11}
                                  : std::vector<double>{0.5 - 1.4 / 11, 0.5 + 1.4 / 11};
  for (double fy : ys) {
    cv::Point2d c(cx, fy * img.rows + rng.Uniform(-0.05, 0.05) * dpi_y);
    cv::ellipse(img, cv::Point(static_cast<int>(c.x), static_cast<int>(c.y)),
                cv::Size(static_cast<int>(r * dpi_x), static_cast<int>(r * dpi_y)), 0, 0, 360,
                cv::Scalar(lid + rng.Uniform(0, 15)), cv::FILLED, cv::LINE_AA);
  }
}

Degraded Apply(std::string_view profile, const cv::Mat& ink, const cv::Mat& back_ink, int dpi_x,
               int dpi_y, Rng& rng) {
  Params p = ParamsFor(profile, rng);
  const cv::Size size = ink.size();
  const int dpi = std::max(dpi_x, dpi_y);
  cv::Mat inkf;
  ink.convertTo(inkf, CV_32F, 1.0 / 255.0);
  if (p.photocopy) {
    // Copiers thicken strokes and push grey toward black.
    cv::Mat k = cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3});
    cv::dilate(inkf, inkf, k);
    cv::pow(inkf, 0.6, inkf);
  }

  // (1) Paper.
  cv::Mat paper(size, CV_32F, cv::Scalar(p.paper));
  if (p.paper_var > 0) {
    paper += SmoothField(size, 1.5 * dpi, rng) * p.paper_var;
    paper += SmoothField(size, 0.3 * dpi, rng) * (p.paper_var * 0.35);
  }
  if (p.bleed > 0 && !back_ink.empty()) {
    cv::Mat back;
    cv::flip(back_ink, back, 1);
    back.convertTo(back, CV_32F, 1.0 / 255.0);
    cv::GaussianBlur(back, back, {0, 0}, 1.6 * dpi / 300.0);
    // Unevenly transparent paper.
    cv::Mat through = (SmoothField(size, 2.0 * dpi, rng) * 0.25 + 1.0) * p.bleed;
    paper = paper.mul(1.0 - back.mul(through));
  }
  cv::Mat strength(size, CV_32F, cv::Scalar(1.0));
  if (p.fade > 0) strength -= (SmoothField(size, 1.2 * dpi, rng) + 1.0) * 0.5 * p.fade;
  cv::Mat cover = inkf.mul(strength);
  cv::Mat img = paper.mul(1.0 - cover) + cover * p.ink_tone;
  double lid = p.lid < 0 ? p.paper : p.lid;
  if (p.holes) PunchHoles(img, lid, dpi_x, dpi_y, rng);
  if (p.photocopy) Photocopy(img, inkf, dpi, rng);

  // (2) Geometry.
  Degraded out;
  out.skew = std::round(rng.Sign() * rng.Uniform(p.skew_lo, p.skew_hi) * 100.0) / 100.0;
  int ml = static_cast<int>(rng.Uniform(0, p.margin_in) * dpi_x);
  int mr = static_cast<int>(rng.Uniform(0, p.margin_in) * dpi_x);
  int mt = static_cast<int>(rng.Uniform(0, p.margin_in) * dpi_y);
  int mb = static_cast<int>(rng.Uniform(0, p.margin_in) * dpi_y);
  // Rotating in pixel space of an anisotropic raster would shear it; rotate in inches.
  double ax = 72.0 / dpi_x, ay = 72.0 / dpi_y;
  cv::Matx33d to_pt(ax, 0, 0, 0, ay, 0, 0, 0, 1), from_pt(1 / ax, 0, 0, 0, 1 / ay, 0, 0, 0, 1);
  double cx = size.width * ax / 2, cy = size.height * ay / 2;
  double t = out.skew * M_PI / 180.0;
  // Positive skew turns content clockwise on screen (y down): x' = c x - s y, y' = s x + c y.
  cv::Matx33d rot(std::cos(t), -std::sin(t), cx - std::cos(t) * cx + std::sin(t) * cy, std::sin(t),
                  std::cos(t), cy - std::sin(t) * cx - std::cos(t) * cy, 0, 0, 1);
  cv::Matx33d shift(1, 0, ml, 0, 1, mt, 0, 0, 1);
  cv::Matx33d m = shift * from_pt * rot * to_pt;
  cv::Size canvas(size.width + ml + mr, size.height + mt + mb);
  cv::Mat scanned;
  cv::warpAffine(img, scanned, cv::Matx23d(m(0, 0), m(0, 1), m(0, 2), m(1, 0), m(1, 1), m(1, 2)),
                 canvas, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(lid));

  // (3) Optics and sensor.
  if (p.gradient > 0) {
    double dir = rng.Uniform(0, 2 * M_PI);
    double dx = std::cos(dir), dy = std::sin(dir);
    cv::Mat g(canvas, CV_32F);
    double norm = std::abs(dx) * canvas.width + std::abs(dy) * canvas.height;
    double x0 = dx < 0 ? canvas.width : 0, y0 = dy < 0 ? canvas.height : 0;
    for (int y = 0; y < canvas.height; ++y) {
      float* row = g.ptr<float>(y);
      for (int x = 0; x < canvas.width; ++x) {
        double u = ((x - x0) * dx + (y - y0) * dy) / norm;  // 0..1
        row[x] = static_cast<float>(1.0 - p.gradient * u);
      }
    }
    scanned = scanned.mul(g);
  }
  if (p.shadow > 0) {
    // A book or folded sheet lifts off the glass along one long edge.
    bool left = rng.Chance(0.5);
    double width = rng.Uniform(0.6, 1.1) * dpi_x;
    for (int x = 0; x < canvas.width; ++x) {
      double d = left ? x : canvas.width - 1 - x;
      double f = 1.0 - p.shadow * std::exp(-d / (width / 3));
      scanned.col(x) *= f;
    }
  }
  Blur(scanned, p.blur, dpi);
  if (p.noise > 0 && profile != "fax") scanned += Noise(canvas, p.noise, rng);
  SaltPepper(scanned, p.salt_pepper, rng.Uniform(0, 60), rng.Uniform(200, 255), rng);

  if (profile == "fax") {
    // A fax modem scans at its resolution and sends one bit per pixel: threshold with sensor
    // noise and a slowly drifting level, then lose a few scan rows in transmission.
    cv::Mat level = SmoothField(canvas, 2.0 * dpi, rng) * 18.0 + 135.0;
    scanned += Noise(canvas, p.noise, rng);
    cv::Mat bits = scanned > level;  // 255 = white
    int dropouts = rng.Int(3, 14);
    for (int i = 0; i < dropouts; ++i) {
      int y = rng.Int(0, canvas.height - 1);
      int x0 = rng.Int(0, canvas.width / 2), x1 = rng.Int(x0 + 1, canvas.width);
      bits(cv::Range(y, y + 1), cv::Range(x0, x1)).setTo(rng.Chance(0.8) ? 255 : 0);
    }
    cv::Mat u(canvas, CV_32F);
    cv::RNG r(rng.Next());
    r.fill(u, cv::RNG::UNIFORM, 0.0, 1.0);
    bits.setTo(0, u < 0.0008);
    out.image = bits;
    out.bilevel = true;
  } else {
    if (p.white_point) {
      // Levels as a scanner driver sets them: paper (less a margin for noise) becomes 255.
      double white = p.paper - 3 * p.noise - 2;
      scanned = (scanned - p.ink_tone) * (255.0 / std::max(1.0, white - p.ink_tone));
    }
    scanned.convertTo(out.image, CV_8U);  // saturates
  }

  // Orientation last: the sheet went in sideways or upside down.
  out.orientation = p.orientation;
  cv::Matx33d o = OrientationMap(p.orientation, canvas.width, canvas.height);
  if (p.orientation == 90) cv::rotate(out.image, out.image, cv::ROTATE_90_COUNTERCLOCKWISE);
  if (p.orientation == 180) cv::rotate(out.image, out.image, cv::ROTATE_180);
  if (p.orientation == 270) cv::rotate(out.image, out.image, cv::ROTATE_90_CLOCKWISE);
  cv::Matx33d full = o * m;
  out.page_to_image = {full(0, 0), full(0, 1), full(0, 2), full(1, 0), full(1, 1), full(1, 2)};
  return out;
}

}  // namespace

const std::vector<std::string>& ProfileNames() {
  static const std::vector<std::string> kNames = {"clean",     "light",  "heavy",   "fax",  "faint",
                                                  "photocopy", "lowres", "rotated", "blank"};
  return kNames;
}

bool IsProfile(std::string_view name) {
  for (const std::string& n : ProfileNames()) {
    if (n == name) return true;
  }
  return false;
}

void ProfileResolution(std::string_view profile, Rng& rng, int& dpi_x, int& dpi_y) {
  if (profile == "fax") {
    bool fine = rng.Chance(0.3);
    dpi_x = fine ? 200 : 204;
    dpi_y = fine ? 200 : 98;
  } else if (profile == "lowres") {
    dpi_x = dpi_y = 150;
  } else {
    dpi_x = dpi_y = 300;
  }
}

Result<Degraded> Degrade(std::string_view profile, const cv::Mat& ink, const cv::Mat& back_ink,
                         int dpi_x, int dpi_y, Rng rng) {
  if (!IsProfile(profile))
    return Status::InvalidArgument("unknown profile " + std::string(profile));
  if (ink.empty() || ink.type() != CV_8UC1) return Status::InvalidArgument("ink map is not 8-bit");
  cv::Mat back = back_ink;
  if (!back.empty() && back.size() != ink.size()) cv::resize(back_ink, back, ink.size());
  try {
    return Apply(profile, ink, back, dpi_x, dpi_y, rng);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("degrading page: ") + e.what());
  }
}

}  // namespace chartscan::samples
