-- GET the URL as a reader who reloads it: each request carries If-None-Match with the last
-- ETag an answer sent (none before the first, or when the page sends none), so a changed
-- count is one 200 and then 304s again.
local etag = nil

function on_response(status, headers)
  local sent = headers["ETag"] or headers["Etag"] or headers["etag"]
  if sent then
    etag = sent
  end
end

function request()
  count_sent()
  if etag then
    return wrk.format("GET", wrk.path, { ["If-None-Match"] = etag })
  end
  return wrk.format("GET", wrk.path)
end
