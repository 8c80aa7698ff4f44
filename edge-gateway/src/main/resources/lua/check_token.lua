-- auth:refresh's Redis step (the connection is admitted already), in one atomic script:
-- the user's refresh rate (platform's sliding-window limiter), then whether the new token is
-- revoked.
--
-- KEYS[1] edge:rl:{<user>}:auth:refresh   (the limiter's log)
-- KEYS[2] edge:{<user>}:revoked-before    KEYS[3] edge:{<user>}:revoked:<jti>
-- ARGV[1] max refreshes   ARGV[2] window (ms)
-- ARGV[3] token iat (ms; -1 when none)   ARGV[4] '1' when the token has a jti
--
-- Returns {0, 0} allowed, {1, 0} revoked, {2, retryAfterMs} too many refreshes.
local wait = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if wait > 0 then
  return {2, wait}
end
local cutoff = tonumber(redis.call('GET', KEYS[2]) or '-1')
if cutoff >= 0 and tonumber(ARGV[3]) < cutoff then
  return {1, 0}
end
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then
  return {1, 0}
end
return {0, 0}
