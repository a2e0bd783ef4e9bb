-- Shared by every wrk script of bench/run.py (prepended to it): counts answers by status in
-- each thread, counts the requests written, and prints one machine-readable line in done().
-- A script may count kinds of its own (kinds.idle = ...) and see each answer's headers through
-- on_response(status, headers); both are optional.
-- wrk runs one Lua state per thread plus the main one; setup() runs in the main state before
-- each thread's init(), and done() reads the threads' counters through thread:get().

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

statuses = {}
kinds = {}
sent = 0

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if on_response then
    on_response(status, headers)
  end
end

-- The headers a browser sends with a form of this site: its Origin (BASE_URL is
-- http://127.0.0.1:<port>), and the page's cookies unless there were none ("").
function form_headers(cookie)
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = wrk.scheme .. "://" .. wrk.host .. ":" .. wrk.port,
    ["Sec-Fetch-Site"] = "same-origin",
  }
  if cookie ~= "" then
    headers["Cookie"] = cookie
  end
  return headers
end

-- Scripts that build each request call this, so done() knows how many left the client.
function count_sent()
  sent = sent + 1
end

function done(summary, latency, requests)
  local totals, total_sent, answered, kind_totals = {}, 0, 0, {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do
      totals[status] = (totals[status] or 0) + n
      answered = answered + n
    end
    for kind, n in pairs(thread:get("kinds") or {}) do
      kind_totals[kind] = (kind_totals[kind] or 0) + n
    end
    total_sent = total_sent + (thread:get("sent") or 0)
  end
  -- wrk calls the first thread's request() once before the run to check the request it builds
  -- (script_verify_request in wrk.c); that one is never sent.
  total_sent = total_sent - 1
  local parts = {}
  for status, n in pairs(totals) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local kind_parts = {}
  for kind, n in pairs(kind_totals) do
    table.insert(kind_parts, string.format('"%s": %d', kind, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"duration_us": %d, "requests": %d, "answered": %d, "sent": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d}, '
      .. '"statuses": {%s}, "kinds": {%s}}\n',
    summary.duration, summary.requests, answered, total_sent,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    table.concat(parts, ", "), table.concat(kind_parts, ", ")))
end
