-- A connection closed: it stops counting at once, and a tombstone keeps late reports from
-- bringing it back. When it was the user's last live connection, the user stays as shown
-- for the grace period (a reload or a network switch reconnects within it), and last seen
-- is now, unless the user chose to appear offline. Runs after the presence.lua prelude.
--
-- KEYS[1] conns  KEYS[2] closed  KEYS[3] state
-- ARGV[1] now (ms)  ARGV[2] ttl (ms)  ARGV[3] grace (ms)  ARGV[4] state retention (ms)
-- ARGV[5] connection id
--
-- Returns settle()'s answer.
local conns, closed, state = KEYS[1], KEYS[2], KEYS[3]
local now, ttl, grace, retention = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local id = ARGV[5]
local removed = redis.call('ZREM', conns, id)
redis.call('ZREMRANGEBYSCORE', closed, '-inf', now)
redis.call('ZADD', closed, now + ttl, id)
if removed == 1 and redis.call('ZCOUNT', conns, '(' .. now, '+inf') == 0 then
  redis.call('HSET', state, 'graceUntil', now + grace)
  if redis.call('HGET', state, 'status') ~= 'offline' then
    redis.call('HSET', state, 'lastSeen', now)
  end
end
local result = settle(conns, state, now, ttl, 0)
keep(conns, closed, state, ttl, retention)
return result
