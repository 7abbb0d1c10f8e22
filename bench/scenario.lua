-- wrk script of every scenario: `wrk -t THREADS ... -s bench/scenario.lua URL -- REQUESTS_FILE THREADS`.
--
-- REQUESTS_FILE (written by bench/run.py) has one request a line: METHOD, path, token ("-" for none)
-- and JSON body (may be empty), separated by tabs. Each connection sends the next line, cycling, so the
-- file's order is the order of the requests (run.py puts a user's follow and unfollow a round apart).
-- Every response that is not 2xx is counted; done() prints one line "BENCH_RESULT {json}".

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for line in io.lines(args[1]) do
    local method, path, token, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    if token ~= "-" then
      headers["Authorization"] = "Token " .. token
    end
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  -- Threads start at different places of the cycle, so they never send the same line at once.
  position = math.floor(thread_index * #requests / tonumber(args[2]))
  not_2xx = 0
  first_error = ""
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
    if first_error == "" then
      first_error = status .. " " .. (body or ""):sub(1, 300)
    end
  end
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local not_2xx, first_error = 0, ""
  for _, thread in ipairs(threads) do
    not_2xx = not_2xx + thread:get("not_2xx")
    if first_error == "" then
      first_error = thread:get("first_error")
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "bytes": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "not_2xx": %d, "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "timeouts": %d, "first_error": %s}\n',
    summary.requests, summary.bytes, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean, not_2xx,
    errors.connect, errors.read, errors.write, errors.timeout, json_string(first_error)))
end
