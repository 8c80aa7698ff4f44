-- Claims the pushes that are due: each member is taken by exactly one caller, however many
-- notification-service instances sweep at once.
--
-- KEYS[1] notif:push:due (sorted set: "<user>|<collapse key>" -> due ms)
-- ARGV[1] now (ms)   ARGV[2] most to claim
--
-- Returns the claimed members.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
end
return due
