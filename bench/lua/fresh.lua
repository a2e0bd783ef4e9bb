-- GET the URL's path with a query no request had before (?ref=rd<thread>x<n>): a page cache
-- keyed on the whole URL cannot answer it, so the page is rendered every time.
local counter = 0

function request()
  counter = counter + 1
  count_sent()
  return wrk.format("GET", string.format("%s?ref=rd%dx%d", wrk.path, thread_id, counter))
end
