// Deterministic random numbers for the sample generators (chartscan-samplegen and the archive).
//
// Standard library distributions are implementation-defined (libstdc++ and libc++ give different
// sequences for the same engine), so the generator draws everything through this splitmix64-based
// class, whose output is fixed by the seed alone on every platform. Fork() derives an independent
// stream for a named purpose so that adding a draw in one place (say, the letterhead) does not
// shift every later choice (the degradation of page 40).
//
// Thread safety: an Rng is a value; do not share one between threads.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace chartscan::samples {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(Mix(seed ^ 0x9E3779B97F4A7C15ull)) {}

  std::uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ull;
    return Mix(state_);
  }

  // An independent stream, fixed by this stream's current state and the tag.
  Rng Fork(std::string_view tag) const { return Rng(state_ ^ Hash(tag)); }
  Rng Fork(std::uint64_t tag) const { return Rng(state_ ^ Mix(tag + 0x632BE59BD9B4E019ull)); }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [lo, hi] (inclusive). The modulo bias is below 2^-40 for our ranges.
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
  double Sign() { return Chance(0.5) ? 1.0 : -1.0; }

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    if (v.empty()) throw std::logic_error("Rng::Pick on an empty list");
    return v[static_cast<std::size_t>(Int(0, static_cast<int>(v.size()) - 1))];
  }
  template <typename T>
  T Pick(std::initializer_list<T> v) {
    if (v.size() == 0) throw std::logic_error("Rng::Pick on an empty list");
    return *(v.begin() + Int(0, static_cast<int>(v.size()) - 1));
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
  // Index drawn with the given (not necessarily normalized) weights.
  std::size_t Weighted(std::initializer_list<double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double r = Uniform() * total;
    std::size_t i = 0;
    for (double w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return weights.size() - 1;
  }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      std::size_t j = static_cast<std::size_t>(Next() % i);
      std::swap(v[i - 1], v[j]);
    }
  }

 private:
  static std::uint64_t Mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  static std::uint64_t Hash(std::string_view s) {
    std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    return Mix(h);
  }

  std::uint64_t state_;
};

}  // namespace chartscan::samples
