-- The record day's confirmers: POST /confirm/<token> for the links the mail sink received, as a
-- file the runner appends to (whole lines) while wrk runs; each token once (run with -t1).
-- args: token file, Cookie header ("" for none), the confirm form's hidden inputs.
-- With no link waiting a connection pauses 100 ms (delay()), then GETs /livez if there is
-- still none (counted in kinds.idle; confirms nothing).
local file, offset, queue, head = nil, 0, {}, 1
local body, headers

function init(args)
  file = args[1]
  body = args[3]
  headers = form_headers(args[2])
end

-- Reads what the runner appended since the last call, whole lines only.
local function refill()
  local handle = io.open(file, "r")
  if not handle then
    return
  end
  handle:seek("set", offset)
  local text = handle:read("*a") or ""
  handle:close()
  for line in text:gmatch("([^\n]*)\n") do
    table.insert(queue, line)
    offset = offset + #line + 1
  end
end

function delay()
  if head > #queue then
    refill()
  end
  return head > #queue and 100 or 0
end

function request()
  count_sent()
  if head > #queue then
    refill()
  end
  local token = queue[head]
  if token == nil then
    kinds.idle = (kinds.idle or 0) + 1
    return wrk.format("GET", "/livez")
  end
  head = head + 1
  kinds.confirm = (kinds.confirm or 0) + 1
  return wrk.format("POST", "/confirm/" .. token, headers, body)
end
