-- POST /p/<slug>/sign with a valid form and a distinct address each time.
-- args: slug, Cookie header ("" when the page set none), the form's hidden inputs (URL-encoded,
-- as bench/load.py read them from the page: a CSRF token or a ticket, and the source), nonce.
local counter = 0
local path, fields, nonce, headers

function init(args)
  path = "/p/" .. args[1] .. "/sign"
  fields = args[3]
  nonce = args[4]
  headers = form_headers(args[2])
end

function request()
  counter = counter + 1
  count_sent()
  local email = string.format("bench-%s-%d-%d%%40example.org", nonce, thread_id, counter)
  local body = fields
    .. "&full_name=Bench+Signer+" .. counter
    .. "&email=" .. email
    .. "&country=NL&city=Den+Haag&comment=&show_name_publicly=y"
  return wrk.format("POST", path, headers, body)
end
