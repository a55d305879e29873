-- wrk: POST the client-credentials grant (RFC 6749 §4.4) on every request, kept-alive.
-- The form comes from the environment (TOKEN_FORM) so the same script drives any server.
-- With PACE_MS set, each connection waits that long after each answer: the paced run that
-- measures latency below the peak.
wrk.method = "POST"
wrk.body = os.getenv("TOKEN_FORM")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local auth = os.getenv("TOKEN_AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end
local pace = tonumber(os.getenv("PACE_MS") or "0")
if pace > 0 then
  function delay()
    return pace
  end
end
local failures = 0
function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
    if failures <= 3 then
      io.stderr:write("answer " .. status .. ": " .. body .. "\n")
    end
  end
end
