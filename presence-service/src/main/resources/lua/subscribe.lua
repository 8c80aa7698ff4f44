-- presence:subscribe: records the users one connection subscribes to, within the
-- connection's bound; the request comes from a live connection, so it also counts as that
-- connection's alive report. Runs after the presence.lua prelude.
--
-- KEYS[1] conns  KEYS[2] closed  KEYS[3] presence:{<user>}:subs:<connection id>
-- ARGV[1] now (ms)  ARGV[2] ttl (ms)  ARGV[3] connection id  ARGV[4] most subscriptions
-- ARGV[5] retention (ms)  ARGV[6..] the user ids subscribed to
--
-- Returns {-4} when the connection has closed already, {-5, held} when the new ones would
-- take the connection past its bound (nothing written), else how many were new.
local conns, closed, subs = KEYS[1], KEYS[2], KEYS[3]
local now, ttl, id, most, retention = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', closed, '-inf', now)
if redis.call('ZSCORE', closed, id) then
  return {-4}
end
local wanted = {}
for i = 6, #ARGV do
  wanted[#wanted + 1] = ARGV[i]
end
local held = redis.call('SCARD', subs)
local fresh = 0
for _, is_member in ipairs(redis.call('SMISMEMBER', subs, unpack(wanted))) do
  if is_member == 0 then
    fresh = fresh + 1
  end
end
if held + fresh > most then
  return {-5, held}
end
touch(conns, closed, now, ttl, {id})
redis.call('SADD', subs, unpack(wanted))
redis.call('PEXPIRE', subs, retention)
redis.call('PEXPIRE', conns, retention)
return fresh
