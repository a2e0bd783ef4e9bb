-- GET the URL given on wrk's command line (headers from -H); only counts answers and requests.
function request()
  count_sent()
  return wrk.request()
end
