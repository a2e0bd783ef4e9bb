-- POST /p/<slug>/sign with a valid form and a distinct address each time.
-- args: slug, session cookie, CSRF token (URL-encoded), run nonce.
local counter = 0
local path, token, nonce, headers

function init(args)
  path = "/p/" .. args[1] .. "/sign"
  token = args[3]
  nonce = args[4]
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "session=" .. args[2],
  }
end

function request()
  counter = counter + 1
  count_sent()
  local email = string.format("bench-%s-%d-%d%%40example.org", nonce, thread_id, counter)
  local body = "csrf_token=" .. token
    .. "&full_name=Bench+Signer+" .. counter
    .. "&email=" .. email
    .. "&country=NL&city=Den+Haag&comment=&show_name_publicly=y&source="
  return wrk.format("POST", path, headers, body)
end
