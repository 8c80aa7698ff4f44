-- A connection closed: it stops counting at once, and a tombstone keeps late reports from
-- bringing it back. Last seen becomes now (the latest end of any of the user's connections),
-- unless the user chose to appear offline. When it was the last live connection, the user
-- stays as shown for the grace period (a reload or a network switch reconnects within it).
-- Runs after the presence.lua prelude.
--
-- KEYS[1] conns  KEYS[2] closed  KEYS[3] state
-- ARGV[1] now (ms)  ARGV[2] cutoff (ms)  ARGV[3] ttl (ms)  ARGV[4] grace (ms)
-- ARGV[5] retention (ms)  ARGV[6] connection id
--
-- Returns settle()'s answer.
local conns, closed, state = KEYS[1], KEYS[2], KEYS[3]
local now, cutoff, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local grace, retention, id = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local removed = redis.call('ZREM', conns, id)
redis.call('ZREMRANGEBYSCORE', closed, '-inf', now)
redis.call('ZADD', closed, now + ttl, id)
if removed == 1 then
  if redis.call('HGET', state, 'status') ~= 'offline' then
    redis.call('HSET', state, 'lastSeen', string.format('%.0f', now))
  end
  if redis.call('ZCOUNT', conns, '(' .. string.format('%.0f', cutoff), '+inf') == 0 then
    redis.call('HSET', state, 'graceUntil', string.format('%.0f', now + grace))
  end
end
local result = settle(conns, state, now, cutoff, ttl, 0)
keep(conns, closed, state, ttl, retention)
return result
