-- The sweep's follow-up on presence:due (user -> next check, ms): sets the user's next check,
-- or removes the user when nothing is pending, but only if the entry is still the one the
-- sweep read. A report that ran meanwhile wrote its own time, which then stands.
--
-- KEYS[1] presence:due
-- ARGV[1] user id  ARGV[2] the score the sweep read  ARGV[3] next check (ms), -1 for none
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not current or tonumber(current) ~= tonumber(ARGV[2]) then
  return 0
end
if tonumber(ARGV[3]) < 0 then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
