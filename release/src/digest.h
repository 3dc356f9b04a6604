// Digests of released files (OpenSSL's libcrypto): SHA-256 for the manifest and the CSV, SHA-1
// where FHIR's Attachment.hash asks for it.
#pragma once

#include <string>
#include <string_view>

namespace chartscan::release {

std::string Sha256Hex(std::string_view bytes);   // 64 lowercase hex digits
std::string Sha256Raw(std::string_view bytes);   // 32 bytes
std::string Sha1Base64(std::string_view bytes);  // base64 of the 20-byte SHA-1
std::string Base64(std::string_view bytes);      // RFC 4648, padded, no line breaks
std::string Hex(std::string_view bytes);         // lowercase

}  // namespace chartscan::release
