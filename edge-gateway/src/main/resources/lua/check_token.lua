-- Whether a token of a user is revoked (for auth:refresh, whose connection is admitted already).
--
-- KEYS[1] edge:{<user>}:revoked-before   KEYS[2] edge:{<user>}:revoked:<jti>
-- ARGV[1] token iat (ms; -1 when none)   ARGV[2] '1' when the token has a jti
--
-- Returns 1 when revoked, else 0.
local cutoff = tonumber(redis.call('GET', KEYS[1]) or '-1')
if cutoff >= 0 and tonumber(ARGV[1]) < cutoff then
  return 1
end
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then
  return 1
end
return 0
