#include <mutex>

#include <sodium.h>

#include <chartscan/viewer/password.h>

namespace chartscan::viewer {
namespace {

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return Status::InvalidArgument("a password needs at least " +
                                   std::to_string(kMinPasswordLength) + " characters");
  }
  if (password.size() > kMaxPasswordLength) {
    return Status::InvalidArgument("a password may have at most " +
                                   std::to_string(kMaxPasswordLength) + " characters");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  if (Status s = CheckPasswordPolicy(password); !s.ok()) return s;
  if (!SodiumReady()) return Status::Internal("libsodium could not be initialized");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Internal("not enough memory to hash the password");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
  if (!SodiumReady() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (password.size() > kMaxPasswordLength) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void VerifyAgainstDummy(std::string_view password) {
  // A hash made once per process with the same limits, so the time spent matches a real check.
  static const std::string dummy = [] {
    Result<std::string> h = HashPassword("chartscan-dummy-password-for-timing");
    return h.ok() ? *h : std::string();
  }();
  (void)VerifyPassword(password, dummy);
}

}  // namespace chartscan::viewer
