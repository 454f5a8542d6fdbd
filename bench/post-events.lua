-- wrk script: POSTs delivery events to /api/v1/events. Ids are unique per run, thread and request, so the topology
-- processes every one (a repeated id would only count as a duplicate). Each thread builds a linear history per
-- service; every 20th event deploys the newest commit of a service, so deployments walk real history.
-- Usage: wrk -t2 -c64 -d20s -s bench/post-events.lua http://127.0.0.1:7070 -- <events per request> <run tag> [<date>]
-- No response() callback: wrk then counts non-2xx answers itself without running Lua per answer, which keeps the
-- load generator as cheap as it is for the plain GETs it is compared with. bench/run reads that count.
thread_id = 0 -- replaced per thread by setup()
local threads = {}
local counter = 0
local batch = 1
local run = "run"
local day = "2026-05-01"
local last = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  batch = tonumber(args[1] or "1")
  run = args[2] or "run"
  day = args[3] or day
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

local function event(n)
  local s = n % 10
  local service = "bench/service-" .. s
  local id = run .. "-" .. thread_id .. "-" .. n
  if n % 20 == 0 and last[s] then
    return string.format('{"id":"%s","type":"deployment","time":"%sT10:00:00Z","service":"%s",'
      .. '"environment":"production","sha":"%s","status":"success"}', id, day, service, last[s])
  end
  local sha = string.format("%08x%08x%024x", thread_id, #run, n)
  local parents = last[s] and ('"' .. last[s] .. '"') or ""
  last[s] = sha
  return string.format('{"id":"%s","type":"commit","time":"%sT09:00:00Z","service":"%s","sha":"%s",'
    .. '"parents":[%s]}', id, day, service, sha, parents)
end

function request()
  local parts = {}
  for i = 1, batch do
    counter = counter + 1
    parts[i] = event(counter)
  end
  if batch == 1 then
    return wrk.format(nil, "/api/v1/events", nil, parts[1])
  end
  return wrk.format(nil, "/api/v1/events", nil, "[" .. table.concat(parts, ",") .. "]")
end
