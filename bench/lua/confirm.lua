-- POST /confirm/<token>, each token of a file once; thread n of k takes lines n, n+k, n+2k...
-- args: token file, Cookie header ("" for none), the confirm form's hidden inputs (URL-encoded),
-- thread count. Once its tokens run out a thread asks for /confirm/exhausted (400, confirms
-- nothing).
local tokens, index, step = {}, 0, 1
local body, headers

function init(args)
  step = tonumber(args[4])
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    if (n - thread_id) % step == 0 then
      table.insert(tokens, line)
    end
  end
  body = args[3]
  headers = form_headers(args[2])
end

function request()
  index = index + 1
  count_sent()
  local token = tokens[index] or "exhausted"
  return wrk.format("POST", "/confirm/" .. token, headers, body)
end
