-- SPDX-License-Identifier: MIT
-- wrk script: POSTs pre-signed webhook deliveries, each once, to wa-recv serve.
--
-- Make the deliveries first (one "sha256=<hex> <body>" per line):
--   scripts/gen-deliveries 60000 --sign "$WA_APP_SECRET" >"$WA_BENCH_DELIVERIES"
-- then:
--   wrk -t2 -c64 -d10s --latency -s bench/post-signed.lua http://127.0.0.1:PORT/webhook
-- Thread i of n (WA_BENCH_THREADS, = wrk's -t) sends lines i, i+n, i+2n,
-- ... so no delivery is sent twice until a thread runs out (it then starts
-- over, and Meta-style duplicates follow). done() prints one JSON line.

local file = os.getenv("WA_BENCH_DELIVERIES") or "bench/deliveries.signed"
local created = 0	-- threads made so far (main state only)

-- wrk starts each thread (and runs its init) right after its setup, so a
-- thread cannot learn how many follow it: WA_BENCH_THREADS says, and must
-- equal wrk's -t (default 2).
function setup(thread)
	thread:set("id", created)
	created = created + 1
end

local sigs, bodies, count, at = {}, {}, 0, 0

function init(args)
	local n = tonumber(os.getenv("WA_BENCH_THREADS") or "2")
	local i = 0
	for line in io.lines(file) do
		if n == 0 or i % n == id then
			local sp = line:find(" ", 1, true)
			count = count + 1
			sigs[count] = line:sub(1, sp - 1)
			bodies[count] = line:sub(sp + 1)
		end
		i = i + 1
	end
	if count == 0 then
		error("no deliveries in " .. file)
	end
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	at = at % count + 1
	wrk.headers["X-Hub-Signature-256"] = sigs[at]
	return wrk.format(nil, nil, nil, bodies[at])
end

function done(summary, latency, requests)
	local secs = summary.duration / 1e6
	local s = summary.errors
	local bad = s.status + s.connect + s.read + s.write + s.timeout
	io.write(string.format(
		'{"measure":"wa-recv serve signed deliveries","requests":%d,' ..
		'"non_2xx_or_errors":%d,"per_second":%.0f,"p50_ms":%.2f,' ..
		'"p99_ms":%.2f,"max_ms":%.2f}\n',
		summary.requests, bad, summary.requests / secs,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		latency.max / 1000))
end
