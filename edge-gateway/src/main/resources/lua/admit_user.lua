-- Admits one authenticated connection of a user, in one atomic step:
--   1. its token is not revoked (issued before the user's cut-off, or its jti revoked);
--   2. the user has fewer than ARGV[4] live connections (entries not yet expired);
--   3. the user's admitted attempts stay within ARGV[2] per ARGV[3] ms (skipped when ARGV[2] is 0);
-- then records the connection. Revocation reads the same set (same slot: {<user>}), so a
-- connection is either refused here or found and closed by the revocation, never neither.
--
-- KEYS[1] edge:{<user>}:attempts      ZSET sliding-window log (at most ARGV[2] members, PEXPIRE window)
-- KEYS[2] edge:{<user>}:connections   ZSET connection id -> expiry ms (at most ARGV[4] live members;
--                                     PEXPIRE ARGV[6], refreshed by the owning gateways)
-- KEYS[3] edge:{<user>}:revoked-before  ms since the epoch; tokens issued before it are revoked
-- KEYS[4] edge:{<user>}:revoked:<jti>   exists when that token is revoked (ARGV[8] is '1')
-- ARGV[1] connection id   ARGV[2] max attempts (0: not limited)   ARGV[3] window (ms)
-- ARGV[4] max live connections   ARGV[5] now (ms)   ARGV[6] entry lifetime (ms)
-- ARGV[7] token iat (ms; -1 when the token has none)   ARGV[8] '1' when the token has a jti
--
-- Returns {0, 0} admitted, {1, retryAfterMs} too many attempts, {2, 0} too many live
-- connections, {3, 0} token revoked.
local cutoff = tonumber(redis.call('GET', KEYS[3]) or '-1')
if cutoff >= 0 and tonumber(ARGV[7]) < cutoff then
  return {3, 0}
end
if ARGV[8] == '1' and redis.call('EXISTS', KEYS[4]) == 1 then
  return {3, 0}
end
local now = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  return {2, 0}
end
if tonumber(ARGV[2]) > 0 then
  local wait = rate_limit(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
  if wait > 0 then
    return {1, wait}
  end
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[6]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return {0, 0}
