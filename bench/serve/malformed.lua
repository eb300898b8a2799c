-- POSTs malformed V2 requests of several kinds, round robin, and counts answers by status class.
local bodies = {
  '{',
  '[]',
  '{"inputs": 3}',
  '{"inputs": [{"name": "x", "datatype": "FP64", "shape": [1, 30], "data": [1]}]}',
  '{"inputs": [{"name": "mean radius", "datatype": "BOOL", "shape": [1], "data": [true]}]}',
  '{"inputs": [{"name": "mean radius", "datatype": "FP64", "shape": [-1], "data": [1]}]}',
  '{"inputs": [{"name": "mean radius", "datatype": "FP64", "shape": [1], "data": ["a"]}]}',
  '\0\1garbage',
}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  n = 0
  c4, c5, other = 0, 0, 0
end
function request()
  n = n + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[(n % #bodies) + 1])
end
function response(status, headers, body)
  if status >= 400 and status < 500 then c4 = c4 + 1
  elseif status >= 500 then c5 = c5 + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("c4"); b = b + t:get("c5"); c = c + t:get("other")
  end
  io.write(string.format("status 4xx=%d 5xx=%d other=%d\n", a, b, c))
end
