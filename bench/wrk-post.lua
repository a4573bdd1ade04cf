-- wrk: POSTs the JSON file named by $WRK_BODY, then reports like wrk-percentiles.lua
local file = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "application/json"
file:close()
dofile("bench/wrk-percentiles.lua")
