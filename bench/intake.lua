-- wrk script for bench/intake.py --client wrk: the same alert mix as the builtin client, as generic or Wazuh JSON,
-- and the answers counted by status, so the bench can check them against the rows stored.
--   wrk -t2 -c48 -d15s -s bench/intake.lua http://127.0.0.1:PORT -- generic|wazuh TOKEN RUN-TAG

local threads = {}

-- 40 rules with fixed severities (70 % info/low noise), as in bench/intake.py.
local SEVERITY = {}
for i = 1, 12 do SEVERITY[#SEVERITY + 1] = "info" end
for i = 1, 16 do SEVERITY[#SEVERITY + 1] = "low" end
for i = 1, 8 do SEVERITY[#SEVERITY + 1] = "medium" end
for i = 1, 3 do SEVERITY[#SEVERITY + 1] = "high" end
SEVERITY[#SEVERITY + 1] = "critical"
-- Wazuh rule levels inside each band of the adapter (0-3 info, 4-7 low, 8-11 medium, 12-14 high, 15-16 critical).
local LEVEL = { info = 3, low = 5, medium = 10, high = 12, critical = 15 }

function setup(thread)
    thread:set("thread_id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    payload = args[1] or "generic"
    run_tag = args[3] or tostring(os.time())
    counter = 0
    statuses = {}
    math.randomseed(os.time() * 100 + thread_id)
    wrk.method = "POST"
    wrk.path = "/api/v1/intake/" .. payload
    wrk.headers["Authorization"] = "Bearer " .. (args[2] or "")
    wrk.headers["Content-Type"] = "application/json"
end

local function generic(id, index, rule, asset)
    return string.format(
        '{"id": "%s", "title": "%s triggered on %s: suspicious process tree (powershell -enc ...)", '
            .. '"severity": "%s", "observed_at": "%s", "asset": "%s", "rule": "%s", '
            .. '"details": {"process": "powershell.exe", "parent": "winword.exe", "user": "user%d"}}',
        id, rule, asset, SEVERITY[index], os.date("!%Y-%m-%dT%H:%M:%SZ"), asset, rule, math.random(1, 900))
end

local function wazuh(id, index, rule, asset)
    local ip = string.format("10.20.%d.%d", math.random(0, 255), math.random(1, 254))
    return string.format(
        '{"id": "%s", "timestamp": "%s", '
            .. '"rule": {"id": "%d", "level": %d, "description": "%s: suspicious process tree (powershell -enc ...)", '
            .. '"groups": ["windows", "sysmon", "process_creation"], "firedtimes": %d}, '
            .. '"agent": {"id": "%03d", "name": "%s", "ip": "%s"}, "manager": {"name": "wazuh-manager"}, '
            .. '"full_log": "Process Create: powershell.exe -enc ... parent winword.exe on %s", '
            .. '"location": "EventChannel", "data": {"win": {"eventdata": {"user": "user%d"}}}}',
        id, os.date("!%Y-%m-%dT%H:%M:%S.000+0000"), 92000 + index, LEVEL[SEVERITY[index]], rule,
        math.random(1, 50), math.random(0, 99), asset, ip, asset, math.random(1, 900))
end

function request()
    counter = counter + 1
    local index = math.random(1, #SEVERITY)
    local rule = string.format("rule-%02d", index - 1)
    local asset = string.format("host-%03d", math.random(0, 99))
    local id = string.format("wrk-%s-%d-%d-%08x", run_tag, thread_id, counter, math.random(0, 2147483646))
    local body = payload == "wazuh" and wazuh(id, index, rule, asset) or generic(id, index, rule, asset)
    return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        for status, n in pairs(thread:get("statuses")) do
            total[status] = (total[status] or 0) + n
        end
    end
    local parts = {}
    for status, n in pairs(total) do
        parts[#parts + 1] = string.format('"%d": %d', status, n)
    end
    local e = summary.errors
    -- One line the bench parses; wrk's own summary above it stays readable for a person.
    io.write(string.format(
        'WRK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": '
            .. '{"connect": %d, "read": %d, "write": %d, "timeout": %d}, "status": {%s}}\n',
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
        e.connect, e.read, e.write, e.timeout, table.concat(parts, ", ")))
end
