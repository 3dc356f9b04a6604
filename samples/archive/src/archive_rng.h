// Deterministic random numbers for the archive generator: splitmix64, whose output is fixed by
// the seed alone on every platform (standard distributions are implementation-defined). Fork()
// derives an independent stream for a named purpose or an index, so a patient's documents depend
// only on the seed and the patient, and the OCR errors of a page never shift its text.
//
// Thread safety: an Rng is a value; do not share one between threads.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace chartscan::samples::archive {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(Mix(seed ^ 0x9E3779B97F4A7C15ull)) {}

  std::uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ull;
    return Mix(state_);
  }
  Rng Fork(std::string_view tag) const { return Rng(state_ ^ Hash(tag)); }
  Rng Fork(std::uint64_t tag) const { return Rng(state_ ^ Mix(tag + 0x632BE59BD9B4E019ull)); }

  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [lo, hi] (inclusive).
  int Int(int lo, int hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return Uniform() < p; }
  double Normal(double mean, double sd) {
    double u1 = Uniform();
    double u2 = Uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    if (v.empty()) throw std::logic_error("Rng::Pick on an empty list");
    return v[static_cast<std::size_t>(Int(0, static_cast<int>(v.size()) - 1))];
  }
  template <typename T, std::size_t N>
  const T& Pick(const T (&v)[N]) {
    return v[static_cast<std::size_t>(Int(0, static_cast<int>(N) - 1))];
  }
  // k distinct indices of [0, n), in drawing order (k is clamped to n).
  std::vector<int> Sample(int n, int k) {
    std::vector<int> idx(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) idx[static_cast<std::size_t>(i)] = i;
    if (k > n) k = n;
    for (int i = 0; i < k; ++i) {
      int j = Int(i, n - 1);
      std::swap(idx[static_cast<std::size_t>(i)], idx[static_cast<std::size_t>(j)]);
    }
    idx.resize(static_cast<std::size_t>(k));
    return idx;
  }

  static std::uint64_t Mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  static std::uint64_t Hash(std::string_view s) {
    std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    return Mix(h);
  }

  std::uint64_t state_;
};

}  // namespace chartscan::samples::archive
