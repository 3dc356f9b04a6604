// The viewer's HTTP server: the JSON API of viewer/API.md and the front end (viewer/web/, built
// into the binary), over a Catalog.
//
// Security model
// - Listens on loopback unless told otherwise; a non-loopback bind needs TLS (or `insecure`).
// - Every /api/ route but login needs a session: a random 256-bit token in an HttpOnly,
//   SameSite=Strict cookie (Secure under TLS), kept only in memory (a restart logs everyone out),
//   ended after `session_idle_s` without a request or `session_max_s` after login. The user is
//   looked up on every request, so a disabled user or a changed role takes effect at once.
// - Every POST but login carries the session's CSRF token in X-CSRF-Token, and a cross-origin
//   Origin header is refused.
// - Failed logins are slowed (one second each) and lock the user after `max_login_failures` in a
//   row for `lockout_s`; an address with too many failures is refused for a while whatever name it
//   tries. Unknown names cost the same time as known ones.
// - Every access that shows or changes patient data is written to the audit log before the answer
//   is sent; when the log cannot be written, the data is not sent (503).
// - Paths never come from the request: static files are looked up by exact name in the embedded
//   set; ids are parsed as positive integers.
//
// Thread safety: Start, Stop, Wait and port may be called from any thread; requests are served on
// `threads` worker threads, which call the Catalog concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <chartscan/models/env.h>
#include <chartscan/models/status.h>
#include <chartscan/viewer/catalog.h>

namespace chartscan::viewer {

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;       // 0: any free port (see Server::port)
  std::string tls_cert;  // PEM files; both or neither
  std::string tls_key;
  bool insecure = false;  // allow a non-loopback bind without TLS
  // Connections served at once (httplib holds a thread per open connection; each browser keeps
  // up to six).
  int threads = 32;
  std::int64_t session_idle_s = 30 * 60;
  std::int64_t session_max_s = 12 * 60 * 60;
  int max_login_failures = 5;
  std::int64_t lockout_s = 15 * 60;
  std::int64_t login_failure_delay_ms = 1000;

  // kInvalidArgument: a non-loopback bind without TLS and without insecure, only one of the TLS
  // files, a port outside 0-65535, threads outside 1-256, non-positive timeouts.
  Status Validate() const;
};

class Server {
 public:
  // Validates the options, loads the TLS files and binds. kInvalidArgument for bad options,
  // kUnavailable when the address cannot be bound or the TLS files cannot be loaded. The catalog
  // and env must outlive the server.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Catalog* catalog,
                                               Env* env = Env::Default());
  virtual ~Server() = default;  // stops

  virtual int port() const = 0;
  virtual std::string url() const = 0;  // "http://127.0.0.1:8080" (https with TLS)
  // Serves until Stop; returns at once if already stopped.
  virtual void Wait() = 0;
  virtual void Stop() = 0;
};

}  // namespace chartscan::viewer
