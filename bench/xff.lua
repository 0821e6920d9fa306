-- wrk script: every request comes from a different client, as our TLS proxy would report it.
-- Usage: wrk ... -s bench/xff.lua URL -- <offset>; offsets keep runs from reusing addresses.
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  offset = tonumber(args[1] or "0")
  counter = 0
end
function request()
  counter = counter + 1
  local n = offset + id * 1000000 + counter
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["X-Forwarded-For"] = ip
  headers["X-Forwarded-Proto"] = "https"
  return wrk.format(nil, nil, headers)
end
