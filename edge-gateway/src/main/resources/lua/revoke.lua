-- Revokes a user's tokens issued before ARGV[1] (when >= 0) and/or the token ARGV[2] names,
-- remembered for ARGV[3] ms, and returns the user's live connection ids (to be closed).
-- Atomic with admit_user.lua (same slot {<user>}): a connection admitted before this ran is
-- in the returned list; one admitted after it sees the revocation.
--
-- KEYS[1] edge:{<user>}:revoked-before   KEYS[2] edge:{<user>}:revoked:<jti>   KEYS[3] edge:{<user>}:connections
-- ARGV[1] cut-off (ms; -1: none)   ARGV[2] '1' when a jti is revoked   ARGV[3] retention (ms)   ARGV[4] now (ms)
if tonumber(ARGV[1]) >= 0 then
  local prior = tonumber(redis.call('GET', KEYS[1]) or '-1')
  -- A later cut-off only ever replaces an earlier one: revocations never un-revoke.
  if tonumber(ARGV[1]) > prior then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  else
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
  end
end
if ARGV[2] == '1' then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
end
return redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[4], '+inf')
