-- wrk script for bench/national.py: counts every response outside 2xx (wrk itself only counts >= 400) and
-- prints one machine-readable line with the latency percentiles (microseconds), the socket errors and the totals.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local outside = 0
  for _, thread in ipairs(threads) do
    outside = outside + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "mean_us": %.1f, "non2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, '
    .. '"status_4xx_5xx": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, outside, e.connect, e.read, e.write, e.timeout, e.status))
end
