-- Opened and alive reports: the listed connections of one user live for another ttl (unless
-- closed already), their subscription lists with them. Runs after the presence.lua prelude.
--
-- KEYS[1] conns  KEYS[2] closed  KEYS[3] state  KEYS[4..] presence:{<user>}:subs:<id> of
-- each listed connection
-- ARGV[1] now (ms)  ARGV[2] cutoff (ms)  ARGV[3] ttl (ms)  ARGV[4] retention (ms)
-- ARGV[5..] connection ids
--
-- Returns settle()'s answer.
local conns, closed, state = KEYS[1], KEYS[2], KEYS[3]
local now, cutoff, ttl, retention = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local ids = {}
for i = 5, #ARGV do
  ids[#ids + 1] = ARGV[i]
end
touch(conns, closed, now, ttl, ids)
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('PEXPIRE', KEYS[i], retention)
  end
end
local result = settle(conns, state, now, cutoff, ttl, 0)
keep(conns, closed, state, ttl, retention)
return result
