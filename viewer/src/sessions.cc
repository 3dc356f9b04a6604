#include "sessions.h"

#include <array>

#include <sodium.h>

namespace chartscan::viewer {
namespace {

std::string Hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

std::string TokenKey(std::string_view token) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  return Hex(digest.data(), digest.size());
}

}  // namespace

std::string RandomToken() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialized");
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return Hex(bytes.data(), bytes.size());
}

bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

NewSession Sessions::Create(std::string_view user, std::int64_t now_micros) {
  NewSession made{RandomToken(), RandomToken()};
  std::lock_guard<std::mutex> lock(mu_);
  SweepLocked(now_micros);
  by_token_hash_[TokenKey(made.token)] =
      Session{std::string(user), made.csrf, now_micros, now_micros};
  return made;
}

std::optional<Session> Sessions::Touch(std::string_view token, std::int64_t now_micros) {
  if (token.size() != 64) return std::nullopt;
  const std::string key = TokenKey(token);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_token_hash_.find(key);
  if (it == by_token_hash_.end()) return std::nullopt;
  if (Expired(it->second, now_micros)) {
    by_token_hash_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen_micros = now_micros;
  return it->second;
}

void Sessions::Remove(std::string_view token) {
  const std::string key = TokenKey(token);
  std::lock_guard<std::mutex> lock(mu_);
  by_token_hash_.erase(key);
}

std::int64_t Sessions::SecondsLeft(const Session& s, std::int64_t now_micros) const {
  const std::int64_t end =
      std::min(s.last_seen_micros + idle_micros_, s.created_micros + max_micros_);
  return std::max<std::int64_t>(0, (end - now_micros) / 1'000'000);
}

bool Sessions::Expired(const Session& s, std::int64_t now_micros) const {
  return now_micros - s.last_seen_micros > idle_micros_ ||
         now_micros - s.created_micros > max_micros_;
}

void Sessions::SweepLocked(std::int64_t now_micros) {
  // At most once a minute: the table is small, but a long-running server should not keep every
  // session it ever made.
  if (now_micros - last_sweep_micros_ < 60'000'000) return;
  last_sweep_micros_ = now_micros;
  for (auto it = by_token_hash_.begin(); it != by_token_hash_.end();) {
    it = Expired(it->second, now_micros) ? by_token_hash_.erase(it) : std::next(it);
  }
}

std::int64_t LoginThrottle::RetryAfterSeconds(const std::string& address, std::int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return 0;
  const std::int64_t window_end = it->second.window_start_micros + window_micros_;
  if (now_micros >= window_end) {
    by_address_.erase(it);
    return 0;
  }
  if (it->second.failures < max_failures_) return 0;
  return (window_end - now_micros + 999'999) / 1'000'000;
}

void LoginThrottle::Failed(const std::string& address, std::int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = by_address_[address];
  if (e.failures == 0 || now_micros - e.window_start_micros >= window_micros_) {
    e = Entry{0, now_micros};
  }
  ++e.failures;
}

void LoginThrottle::Succeeded(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  by_address_.erase(address);
}

}  // namespace chartscan::viewer
