-- wrk script: the public mix. Each request takes a random path from a file (one per line,
-- repeated by weight) and comes from a different client, as our TLS proxy reports it, so
-- the status lookup's rate limiter is paid on every lookup but never trips.
-- Usage: wrk ... -s bench/mix.lua URL -- <paths file> <offset>
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  paths = {}
  for line in io.lines(args[1]) do table.insert(paths, line) end
  offset = tonumber(args[2] or "0")
  counter = 0
  math.randomseed(offset + id)
end
function request()
  counter = counter + 1
  local n = offset + id * 1000000 + counter
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["X-Forwarded-For"] = ip
  headers["X-Forwarded-Proto"] = "https"
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
