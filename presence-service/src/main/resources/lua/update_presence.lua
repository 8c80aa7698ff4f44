-- presence:update: the user sets a status (and maybe a custom status) for every device.
-- The request comes from a live connection, so it also counts as that connection's alive
-- report (its opened report may still be on the way). Runs after platform's rate_limit.lua
-- and the presence.lua prelude.
--
-- KEYS[1] presence:rl:{<user>}:presence:update (the user's rate log)
-- ARGV[1] its max   ARGV[2] its window (ms)
-- KEYS[2] conns  KEYS[3] closed  KEYS[4] state
-- ARGV[3] now (ms)  ARGV[4] cutoff (ms)  ARGV[5] ttl (ms)  ARGV[6] retention (ms)
-- ARGV[7] connection id  ARGV[8] status  ARGV[9] '1' when a custom status is given, else '0'
-- ARGV[10] custom status ('' clears it)
--
-- Returns {-3, retryAfterMs} when the rate limit refuses (nothing written), {-4} when the
-- connection has closed already, else settle()'s answer, with changed = 1 when what others
-- see changed (the status shown or the custom status).
local conns, closed, state = KEYS[2], KEYS[3], KEYS[4]
local now, cutoff, ttl, retention = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local id, status, has_custom, custom = ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local retry_after = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if retry_after > 0 then
  return {-3, retry_after}
end
redis.call('ZREMRANGEBYSCORE', closed, '-inf', now)
if redis.call('ZSCORE', closed, id) then
  return {-4}
end
touch(conns, closed, now, ttl, {id})
local before = redis.call('HMGET', state, 'status', 'custom')
local custom_changed = 0
if has_custom == '1' and (before[2] or '') ~= custom then
  custom_changed = 1
  if custom == '' then
    redis.call('HDEL', state, 'custom')
  else
    redis.call('HSET', state, 'custom', custom)
  end
end
if status == 'offline' and (before[1] or 'online') ~= 'offline' then
  redis.call('HSET', state, 'lastSeen', now)
end
redis.call('HSET', state, 'status', status)
local result = settle(conns, state, now, cutoff, ttl, custom_changed)
keep(conns, closed, state, ttl, retention)
return result
