// Passwords: hashed with Argon2id (libsodium's crypto_pwhash_str, interactive limits: about 0.1 s
// and 64 MiB per hash on a workstation), stored as libsodium's self-describing string, so a later
// change of limits still verifies old hashes. Thread safety: all functions are reentrant.
#pragma once

#include <string>
#include <string_view>

#include <chartscan/models/status.h>

namespace chartscan::viewer {

inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 1024;

// kInvalidArgument with the reason when a password is too short or too long (length in bytes;
// every character is allowed, passphrases encouraged).
Status CheckPasswordPolicy(std::string_view password);

// kInvalidArgument for a password that fails the policy; kInternal if libsodium cannot start or
// runs out of memory.
Result<std::string> HashPassword(std::string_view password);

// True when the password matches the hash. A malformed hash never matches.
bool VerifyPassword(std::string_view password, const std::string& hash);

// Spends the time of one VerifyPassword, for a login by an unknown name, so that timing does not
// tell which names exist.
void VerifyAgainstDummy(std::string_view password);

}  // namespace chartscan::viewer
