-- wrk script for scripts/soak.sh: mixed traffic of one signed-in admin. Pages (session cookie),
-- API reads (bearer token) and, one request in SOAK_LOGIN_EVERY, a password login through the
-- API. Answers of 500 and above are counted apart (wrk only counts "non-2xx or 3xx").
local cookie = "tj_session=" .. os.getenv("SOAK_COOKIE")
local bearer = "Bearer " .. os.getenv("SOAK_TOKEN")
local org = os.getenv("SOAK_ORG")
local every = tonumber(os.getenv("SOAK_LOGIN_EVERY") or "200")
local login = string.format('{"id_number":"%s","password":"%s"}', os.getenv("SOAK_LOGIN_ID"), os.getenv("SOAK_LOGIN_PASSWORD"))
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local n = 0
server_errors = 0
client_errors = 0

local pages = {
  function() return wrk.format("GET", "/", { Cookie = cookie }) end,
  function() return wrk.format("GET", "/orgs/" .. org, { Cookie = cookie }) end,
  function() return wrk.format("GET", "/orgs/" .. org .. "/members", { Cookie = cookie }) end,
  function() return wrk.format("GET", "/api/v1/me", { Authorization = bearer }) end,
  function() return wrk.format("GET", "/api/v1/orgs/" .. org, { Authorization = bearer }) end,
  function() return wrk.format("GET", "/api/v1/orgs/" .. org .. "/children?per_page=50", { Authorization = bearer }) end,
  function() return wrk.format("GET", "/api/v1/orgs/" .. org .. "/members?per_page=20", { Authorization = bearer }) end,
}

function request()
  n = n + 1
  if n % every == 0 then
    return wrk.format("POST", "/api/v1/login", { ["Content-Type"] = "application/json" }, login)
  end
  return pages[n % #pages + 1]()
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status >= 400 then
    client_errors = client_errors + 1
  end
end

function done(summary, latency, requests)
  local s, c = 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("server_errors")
    c = c + t:get("client_errors")
  end
  io.write(string.format("server_errors %d\nclient_errors %d\n", s, c))
end
