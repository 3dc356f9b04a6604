#!/usr/bin/env bash
# Benchmark: the web viewer (chartscan serve) under many concurrent clients while an ingest writes
# into the same store, against nginx serving the same bytes as static files, in one run on one
# machine (timings are only compared within a run; machines are shared and noisy).
#
#   bench/viewer.sh [PAGES]    default 10,000 pages
#   DURATION=20                seconds of load per scenario, client count and server
#   CLIENTS="8 32"             concurrent clients (wrk connections, one per wrk thread)
#   PRESET=dev                 the CMake preset whose chartscan is measured (dev is optimized)
#   WRITER=0                   no concurrent ingest
#   SERVE_ARGS="--threads 16"  more arguments for chartscan serve
#   REBUILD=1                  rebuild the store even when it is already there
#
# What runs (see bench/viewer.cc and bench/viewer.lua for the details):
# - The store: PAGES pages of the synthetic archive (samples/archive), every page laid out as
#   words with boxes and rendered as a 300-dpi bilevel PNG (about 100 KB), kept in
#   build/bench-work/viewer-PAGES and reused by later runs.
# - chartscan serve on a free loopback port; a technician logs in once (POST /api/login) and every
#   client uses that session.
# - nginx (Debian's nginx-light, a non-daemon with its own config in the work folder) on another
#   port, serving: for /api/search, one typical search answer captured from chartscan (the median
#   size of a sample of the query set) and the thumbnails of its hits; for /api/pages/ID, one page
#   answer captured from chartscan; for /api/pages/ID/image, that page's image file in the store.
#   This is the floor a static file server sets on this machine, not a like-for-like server.
# - Three scenarios, each measured with wrk for DURATION seconds per client count and server:
#   search (GET /api/search over the archive's query set), search + its thumbnails (the search,
#   then GET .../image?kind=thumb for each hit its answer lists, as the results page shows them),
#   and page view (GET /api/pages/ID?q=... then GET /api/pages/ID/image, random pages).
# - Meanwhile (unless WRITER=0), a second process writes pages of another archive into the same
#   store, laid out and rendered like the store's (one PutPages call per document, as fast as it
#   can), for both servers' runs; its pages/s are reported.
# Targets (issue 5): search page p95 under 200 ms, page image p95 under 100 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-10000}"
duration="${DURATION:-20}"
clients="${CLIENTS:-8 32}"
preset="${PRESET:-dev}"
writer_on="${WRITER:-1}"
repro="bench/viewer.sh $*"
for v in DURATION CLIENTS PRESET WRITER SERVE_ARGS REBUILD; do
  if [ -n "${!v:-}" ]; then repro="$v=\"${!v}\" $repro"; fi
done

scripts/install-deps.sh > /dev/null
# wrk (the load) and nginx (the peer) are needed by this benchmark only. Debian starts its own
# nginx service on install where services may start; this benchmark never uses it.
need=()
command -v wrk > /dev/null || need+=(wrk)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi
cmake --preset "$preset" > /dev/null
cmake --build --preset "$preset" --target chartscan chartscan-bench-viewer > /dev/null
bin="build/$preset"
tool="$bin/bench/chartscan-bench-viewer"
chartscan="$bin/cli/chartscan"

work="build/bench-work/viewer-$pages"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
store="$work/store"
rebuild=()
if [ -n "${REBUILD:-}" ]; then rebuild=(--rebuild); fi
"$tool" build --dir "$work" --pages "$pages" "${rebuild[@]}"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
}
trap cleanup EXIT

# ---- users (kept in the store with it)
password="bench-viewer-password-1"
users="$("$chartscan" users list --json --store "$store" 2> /dev/null || true)"
for u in bench-admin:admin bench-tech:technician; do
  if ! grep -q "\"${u%%:*}\"" <<< "$users"; then
    echo "$password" | "$chartscan" users add "${u%%:*}" --role "${u##*:}" --password-stdin \
      --store "$store" > /dev/null
  fi
done

# ---- chartscan serve
# shellcheck disable=SC2086
"$chartscan" serve --store "$store" --port 0 ${SERVE_ARGS:-} > "$work/serve.log" 2>&1 &
pids+=($!)
url=""
for _ in $(seq 300); do
  url="$(sed -n 's/^chartscan viewer listening on \(http[^ ]*\).*/\1/p' "$work/serve.log")"
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "chartscan serve did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi
cookie="$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  --data "{\"name\":\"bench-tech\",\"password\":\"$password\"}" "$url/api/login" |
  sed -n 's/^[Ss]et-[Cc]ookie: chartscan_session=\([^;]*\).*/\1/p')"
if [ -z "$cookie" ]; then
  echo "login as bench-tech failed" >&2
  exit 1
fi

# ---- the peer's files, captured from chartscan (also a warm-up of chartscan's caches)
peer="$work/nginx"
rm -rf "$peer"
mkdir -p "$peer/www/thumbs" "$peer/tmp" "$work/results"
ln -s "$store" "$peer/www/store"
sample="$peer/sample"
mkdir -p "$sample"
n=0
while IFS=$'\t' read -r _ encoded _; do
  n=$((n + 1))
  if [ $((n % 15)) -ne 1 ]; then continue; fi  # every 15th query: about 50, every category
  curl -s -o "$sample/$n.json" -b "chartscan_session=$cookie" "$url/api/search?q=$encoded&limit=20"
done < "$work/queries.tsv"
# The median size among the answers with 20 hits (a full results page).
typical="$(for f in "$sample"/*.json; do
  if [ "$(grep -o '"page_id":[0-9]*' "$f" | wc -l)" -ge 20 ]; then
    echo "$(stat -c %s "$f") $f"
  fi
done | sort -n | awk '{a[NR]=$2} END {print a[int((NR+1)/2)]}')"
if [ -z "$typical" ]; then
  echo "no search answer with 20 hits among the sampled queries; answers were:" >&2
  head -c 600 "$sample"/*.json >&2
  exit 1
fi
cp "$typical" "$peer/www/search.json"
hits=($(grep -o '"page_id":[0-9]*' "$typical" | head -20 | cut -d: -f2))
for id in "${hits[@]}"; do
  curl -s -o "$peer/www/thumbs/$id.jpg" -b "chartscan_session=$cookie" \
    "$url/api/pages/$id/image?kind=thumb"
done
typical_line="$(basename "$typical" .json)"
typical_q="$(sed -n "${typical_line}p" "$work/queries.tsv" | cut -f3)"
curl -s -o "$peer/www/page.json" -b "chartscan_session=$cookie" \
  "$url/api/pages/${hits[0]}?q=$(sed -n "${typical_line}p" "$work/queries.tsv" | cut -f2)"
awk -F'\t' '{print $1 " /" $2 ";"}' "$work/images.tsv" > "$peer/page_files.map"

port="$("$tool" free-port)"
user_line=""
if [ "$(id -u)" = 0 ]; then user_line="user root;"; fi
cat > "$peer/nginx.conf" << EOF
$user_line
worker_processes auto;
daemon off;
pid $peer/nginx.pid;
error_log $peer/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path $peer/tmp/body;
  proxy_temp_path $peer/tmp/proxy;
  fastcgi_temp_path $peer/tmp/fastcgi;
  uwsgi_temp_path $peer/tmp/uwsgi;
  scgi_temp_path $peer/tmp/scgi;
  types { application/json json; image/png png; image/jpeg jpg; }
  default_type application/octet-stream;
  map_hash_max_size 262144;
  map_hash_bucket_size 256;
  map \$page_id \$page_file { include $peer/page_files.map; }
  map \$arg_kind \$image_file { thumb /thumbs/\$page_id.jpg; default /store\$page_file; }
  server {
    listen 127.0.0.1:$port;
    root $peer/www;
    location = /api/search { try_files /search.json =404; }
    location ~ ^/api/pages/(?<page_id>[0-9]+)\$ { try_files /page.json =404; }
    location ~ ^/api/pages/(?<page_id>[0-9]+)/image\$ { try_files \$image_file =404; }
  }
}
EOF
/usr/sbin/nginx -e "$peer/error.log" -p "$peer/" -c "$peer/nginx.conf" -t 2> "$peer/check.log" || {
  cat "$peer/check.log" >&2
  exit 1
}
/usr/sbin/nginx -e "$peer/error.log" -p "$peer/" -c "$peer/nginx.conf" &
pids+=($!)
nginx_url="http://127.0.0.1:$port"
for _ in $(seq 100); do
  curl -s -o /dev/null "$nginx_url/api/search" && break
  sleep 0.1
done
for path in "/api/search?q=$(sed -n "${typical_line}p" "$work/queries.tsv" | cut -f2)" \
  "/api/pages/${hits[0]}" "/api/pages/${hits[0]}/image" \
  "/api/pages/${hits[0]}/image?kind=thumb"; do
  for u in "$url" "$nginx_url"; do
    code="$(curl -s -o /dev/null -w '%{http_code}' -b "chartscan_session=$cookie" "$u$path")"
    if [ "$code" != 200 ]; then
      echo "GET $u$path answered $code" >&2
      exit 1
    fi
  done
done

# ---- the load
machine="$(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB"
# What else uses the CPU (a second top sample: the first one averages since boot).
busy() {
  top -b -n 2 -d 1 -w 200 | awk '/^top -/ {n++} n == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 > 5 {
    printf "%s (pid %s) %s%%; ", $12, $1, $9 }'
}
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
busy_before="$(busy)"
run() {  # server url scenario clients
  local name="$1" target="$2" scenario="$3" c="$4" wpid="" out
  out="$work/results/$name-$scenario-c$c"
  rm -f "$work/writer.ready" "$out.json"
  if [ "$writer_on" != 0 ]; then
    "$tool" writer --dir "$work" > "$out.writer" 2> "$out.writer.log" &
    wpid=$!
    pids+=("$wpid")
    for _ in $(seq 600); do
      [ -f "$work/writer.ready" ] && break
      sleep 0.1
    done
  fi
  echo "$name, $scenario, $c clients (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
  BENCH_VIEWER_OUT="$out" wrk -t "$c" -c "$c" -d "${duration}s" --timeout 30s -s bench/viewer.lua "$target" -- \
    "$scenario" "$work/queries.tsv" "$work/page_ids.txt" "$cookie" > "$out.wrk" 2>&1 || true
  local result
  result="$(sed -n 's/^RESULT //p' "$out.wrk")"
  if [ -z "$result" ]; then
    echo "wrk gave no result:" >&2
    cat "$out.wrk" >&2
    exit 1
  fi
  if [ -n "$wpid" ]; then
    kill -TERM "$wpid"
    wait "$wpid" || true
    result="${result%\}},\"writer\":$(tail -1 "$out.writer")}"
  fi
  echo "$result" > "$out.json"
}
for c in $clients; do
  for scenario in search search_thumbs page; do
    run chartscan "$url" "$scenario" "$c"
    run nginx "$nginx_url" "$scenario" "$c"
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
busy_after="$(busy)"

# ---- the table
echo
echo "chartscan serve ($preset build) against nginx $(/usr/sbin/nginx -v 2>&1 | sed 's/.*\///'):" \
  "$duration s of wrk per row and server, every client on its own connection;" \
  "$([ "$writer_on" != 0 ] && echo "a writer adding pages to the same store meanwhile" || echo "no writer")."
# shellcheck disable=SC2086
"$tool" report --dir "$work" --clients $clients
echo
echo "Typical search answer served by nginx: $(stat -c %s "$peer/www/search.json") bytes" \
  "(query: $typical_q), its 20 thumbnails $(du -cb "$peer"/www/thumbs/*.jpg | tail -1 | cut -f1)" \
  "bytes; page answer $(stat -c %s "$peer/www/page.json") bytes."
echo "Machine: $machine; load average $load_before before the load, $load_after after;" \
  "other processes over 5% CPU before: ${busy_before:-none}; after: ${busy_after:-none}" \
  "(chartscan serve, idle, among them)"
echo "Reproduce: $repro"
