-- wrk script for bench/viewer.sh: one scenario of the viewer's load, timed per kind of request.
--
--   wrk -t N -c N -s bench/viewer.lua URL -- SCENARIO QUERIES PAGE_IDS COOKIE
--
-- SCENARIO
--   search         GET /api/search?q=Q&limit=20, Q from QUERIES (the archive's query set), each
--                  client in its own shuffled order
--   search_thumbs  the same search, then GET /api/pages/ID/image?kind=thumb for each hit of its
--                  answer (page ids read from the body, as the front end shows them), one after
--                  another on the client's connection, then the next search
--   page           GET /api/pages/ID?q=Q, then GET /api/pages/ID/image (the cleaned PNG) of the
--                  same page; ID uniformly at random from PAGE_IDS, Q from QUERIES
-- QUERIES: lines "category TAB url-encoded query TAB query"; PAGE_IDS: one id a line; COOKIE the
-- chartscan_session value (one login for every client; GET requests need no CSRF token).
--
-- Every thread must have exactly one connection (-t equal to -c): requests on a connection are
-- sequential, so the time from request() to response() is that request's latency, measured here
-- with CLOCK_MONOTONIC per kind (wrk's own histogram mixes the kinds; it is printed too). The
-- composite "set" is a search with its thumbnails, or a page with its image. Each thread writes
-- its latencies to BENCH_VIEWER_OUT.tID.tsv (an environment variable: wrk's thread:get corrupts
-- the Lua stack when it copies tables, so they do not travel that way); done() reads them back
-- and prints one line "RESULT {json}" with, per kind, the count, p50/p95/p99/max in ms, the
-- answers that were not 2xx (and 5xx) with the first one's status and body; and how many clients
-- got any answer at all, with the fewest and most answers a client got (a request still waiting
-- when wrk stops is in no latency: a client left waiting the whole run shows only here).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local counter = 0
local out_prefix = os.getenv("BENCH_VIEWER_OUT") or "viewer-wrk"

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local scenario, cookie, out
local queries, pages = {}, {}
local qi = 0
local queue = {}    -- thumbnails still to fetch for the current search
local pending       -- kind of the request in flight
local pending_id    -- page of a "page" request, whose image comes next
local t0, set_t0
local set_thumbs = 0
local sampled = {}  -- kinds whose first bad answer was written

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(lines, line) end
  end
  return lines
end

function init(args)
  scenario = args[1]
  cookie = args[4]
  for _, line in ipairs(read_lines(args[2])) do
    local _, encoded = line:match("^([^\t]*)\t([^\t]*)")
    if encoded then table.insert(queries, encoded) end
  end
  for _, line in ipairs(read_lines(args[3])) do table.insert(pages, tonumber(line)) end
  math.randomseed(id * 7919)
  -- This client's own order of the queries.
  for k = #queries, 2, -1 do
    local j = math.random(k)
    queries[k], queries[j] = queries[j], queries[k]
  end
  wrk.headers["Cookie"] = "chartscan_session=" .. cookie
  wrk.headers["Accept"] = "application/json"
  out = assert(io.open(out_prefix .. ".t" .. id .. ".tsv", "w"))
  out:setvbuf("line")
end

local function next_query()
  qi = qi % #queries + 1
  return queries[qi]
end

local function get(kind, path)
  pending = kind
  t0 = now_ms()
  return wrk.format("GET", path)
end

function request()
  if scenario == "page" then
    if pending_id then
      local page = pending_id
      pending_id = nil
      return get("image", "/api/pages/" .. page .. "/image")
    end
    set_t0 = now_ms()
    pending_id = pages[math.random(#pages)]
    return get("page", "/api/pages/" .. pending_id .. "?q=" .. next_query())
  end
  if scenario == "search_thumbs" and #queue > 0 then
    return get("thumb", "/api/pages/" .. table.remove(queue, 1) .. "/image?kind=thumb")
  end
  set_t0 = now_ms()
  return get("search", "/api/search?q=" .. next_query() .. "&limit=20")
end

-- kind TAB ms TAB status TAB thumbnails (sets of search_thumbs)
local function record(kind, ms, status, thumbs)
  out:write(kind, "\t", string.format("%.3f", ms), "\t", status, "\t", thumbs or 0, "\n")
end

function response(status, headers, body)
  local t1 = now_ms()
  local kind = pending
  record(kind, t1 - t0, status)
  if (status < 200 or status > 299) and not sampled[kind] then
    sampled[kind] = true
    out:write("sample\t", kind, "\t", status, "\t",
      ((body or ""):sub(1, 300):gsub("[%c]", " ")), "\n")
  end
  if scenario == "search_thumbs" then
    if kind == "search" then
      queue = {}
      if status == 200 then
        for page in body:gmatch('"page_id":%s*(%d+)') do
          if #queue < 20 then table.insert(queue, page) end
        end
      end
      set_thumbs = #queue
    end
    if #queue == 0 then record("set", t1 - set_t0, 200, set_thumbs) end
  elseif scenario == "page" then
    if kind == "image" then
      record("set", t1 - set_t0, 200)
    elseif status ~= 200 then
      pending_id = nil -- no image for a page that is not there
    end
  end
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  return sorted[math.max(1, math.ceil(p * #sorted))]
end

local function str(s)
  return '"' .. (s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end)) .. '"'
end

function done(summary, latency, requests)
  local lat, nbad, nfive, samples = {}, {}, {}, {}
  local thumbs, sets = 0, 0
  local answered, fewest, most = 0, nil, 0 -- clients with an answer; answers per client
  for k = 1, #threads do
    local path = out_prefix .. ".t" .. k .. ".tsv"
    local f = io.open(path, "r")
    local mine = 0
    if f then
      for line in f:lines() do
        local kind, ms, status, extra = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
        if kind == "sample" then
          samples[ms] = samples[ms] or (status .. " " .. extra)
        elseif kind then
          if kind ~= "set" then mine = mine + 1 end
          lat[kind] = lat[kind] or {}
          table.insert(lat[kind], tonumber(ms))
          local code = tonumber(status)
          if code < 200 or code > 299 then
            nbad[kind] = (nbad[kind] or 0) + 1
            if code >= 500 then nfive[kind] = (nfive[kind] or 0) + 1 end
          end
          if kind == "set" then
            thumbs = thumbs + tonumber(extra)
            sets = sets + 1
          end
        end
      end
      f:close()
      os.remove(path)
    end
    if mine > 0 then answered = answered + 1 end
    fewest = math.min(fewest or mine, mine)
    most = math.max(most, mine)
  end
  local parts = {}
  for kind, l in pairs(lat) do
    table.sort(l)
    local item = string.format(
      '%s:{"n":%d,"p50":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f,"non2xx":%d,"5xx":%d',
      str(kind), #l, percentile(l, 0.50), percentile(l, 0.95), percentile(l, 0.99), l[#l] or 0,
      nbad[kind] or 0, nfive[kind] or 0)
    if kind == "set" and thumbs > 0 then
      item = item .. string.format(',"per_set":%.2f', thumbs / sets)
    end
    if samples[kind] then item = item .. ',"sample":' .. str(samples[kind]) end
    table.insert(parts, item .. "}")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"seconds":%.3f,"requests":%d,"bytes":%d,"clients":%d,"clients_answered":%d,' ..
    '"answers_per_client":[%d,%d],' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"wrk":{"p50":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f},"kinds":{%s}}\n',
    summary.duration / 1e6, summary.requests, summary.bytes, #threads, answered, fewest or 0,
    most, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, table.concat(parts, ",")))
end
