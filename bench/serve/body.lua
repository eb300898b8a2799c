-- POSTs the file named by MLCI_BENCH_BODY as JSON.
local f = assert(io.open(os.getenv("MLCI_BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = f:read("*a")
f:close()
