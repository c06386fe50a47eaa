-- wrk script for `make bench`: send prepared requests (quiz submits), each at most once.
--
-- Arguments after wrk's `--`: a file prefix (thread N sends the requests in <prefix>N, each
-- stored as "<length>\n<bytes>") and the statuses that count as well answered ("302,303").
-- wrk opens a new connection, never resends, when one breaks, so no request goes twice.
-- done() prints a line a thread: requests sent, answered, well answered, and whether the
-- thread ran out. wrk's clock runs on after that (and counts a connection left waiting two
-- seconds as a timeout), so a round that ran out counts for nothing.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function read_requests(path)
  local file = assert(io.open(path, "rb"))
  local data = file:read("*a")
  file:close()
  local found, at = {}, 1
  while at <= #data do
    local newline = data:find("\n", at, true)
    local length = tonumber(data:sub(at, newline - 1))
    table.insert(found, data:sub(newline + 1, newline + length))
    at = newline + 1 + length
  end
  return found
end

function init(args)
  prepared = read_requests(args[1] .. id)
  wanted = {}
  for status in args[2]:gmatch("%d+") do
    wanted[tonumber(status)] = true
  end
  sent, answered, ok, ran_out = 0, 0, 0, 0
  -- wrk asks its first thread for a request once before the run, only to check that it
  -- parses: that request is not sent, so it must not be used up.
  checking = id == 0
end

function request()
  if checking then
    checking = false
    return prepared[1]
  end
  if sent == #prepared then
    -- Nothing is written, so the connection waits on and the thread's others carry on.
    ran_out = 1
    return ""
  end
  sent = sent + 1
  return prepared[sent]
end

function response(status, headers, body)
  answered = answered + 1
  if wanted[status] then
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    io.write(string.format(
      "prepared thread %d sent %d answered %d ok %d ran-out %d\n",
      thread:get("id"), thread:get("sent"), thread:get("answered"), thread:get("ok"),
      thread:get("ran_out")
    ))
  end
  io.write(string.format("prepared median latency %.0f us\n", latency:percentile(50)))
end
