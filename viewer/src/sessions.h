// Sessions and login throttling, in memory.
//
// A session is a random 256-bit token (the cookie) and a separate random CSRF token. The table is
// keyed by the SHA-256 of the cookie token, so a memory dump of the table does not hand out live
// cookies. Sessions end after an idle time or a maximum age, whichever comes first, and are swept
// lazily. Thread safety: every method may be called from many threads.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace chartscan::viewer {

struct Session {
  std::string user;
  std::string csrf;
  std::int64_t created_micros = 0;
  std::int64_t last_seen_micros = 0;
};

struct NewSession {
  std::string token;  // for the cookie
  std::string csrf;
};

class Sessions {
 public:
  Sessions(std::int64_t idle_micros, std::int64_t max_micros)
      : idle_micros_(idle_micros), max_micros_(max_micros) {}

  NewSession Create(std::string_view user, std::int64_t now_micros);
  // The live session of a token, its last-seen time moved to now; nullopt when unknown or expired
  // (an expired session is removed).
  std::optional<Session> Touch(std::string_view token, std::int64_t now_micros);
  void Remove(std::string_view token);
  // Seconds left before the session ends if idle from now.
  std::int64_t SecondsLeft(const Session& s, std::int64_t now_micros) const;

 private:
  bool Expired(const Session& s, std::int64_t now_micros) const;
  void SweepLocked(std::int64_t now_micros);

  const std::int64_t idle_micros_;
  const std::int64_t max_micros_;
  std::mutex mu_;
  std::map<std::string, Session> by_token_hash_;
  std::int64_t last_sweep_micros_ = 0;
};

// Counts failed logins per client address over a sliding window, so that one address cannot try
// many names (per-user lockout alone would let it spray one password over every account).
class LoginThrottle {
 public:
  LoginThrottle(int max_failures, std::int64_t window_micros)
      : max_failures_(max_failures), window_micros_(window_micros) {}
  // Seconds to wait before this address may try again; 0 when it may try now.
  std::int64_t RetryAfterSeconds(const std::string& address, std::int64_t now_micros);
  void Failed(const std::string& address, std::int64_t now_micros);
  void Succeeded(const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    std::int64_t window_start_micros = 0;
  };
  const int max_failures_;
  const std::int64_t window_micros_;
  std::mutex mu_;
  std::map<std::string, Entry> by_address_;
};

// 32 random bytes as 64 lowercase hex digits (libsodium's CSPRNG).
std::string RandomToken();
// Compares in time independent of where the strings differ.
bool SameSecret(std::string_view a, std::string_view b);

}  // namespace chartscan::viewer
