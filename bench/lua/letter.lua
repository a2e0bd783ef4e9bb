-- POST /cases/<slug>/write with a valid letter and a distinct address each time.
-- args: case slug, Cookie header ("" when the page set none), the form's hidden inputs (as
-- bench/load.py read them from the writing page: its CSRF token and the ready text), the
-- letter's own fields (URL-encoded by bench/letters.py: occasion, language, text, name), nonce.
local counter = 0
local path, fields, nonce, headers

function init(args)
  path = "/cases/" .. args[1] .. "/write"
  headers = form_headers(args[2])
  fields = args[3] .. "&" .. args[4]
  nonce = args[5]
end

function request()
  counter = counter + 1
  count_sent()
  local email = string.format("letter-%s-%d-%d%%40example.org", nonce, thread_id, counter)
  return wrk.format("POST", path, headers, fields .. "&email=" .. email)
end
