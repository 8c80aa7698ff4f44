-- Releases a user's "current call" record, or marks it answered, only if it still names the
-- call (a newer call's record is never touched).
--
-- KEYS[1] call:{<user>}:current
-- ARGV[1] call id  ARGV[2] 'release' | 'answered'  ARGV[3] ttl (ms), for 'answered'
-- Returns 1 when changed, else 0.
if redis.call('HGET', KEYS[1], 'call') ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'release' then
  return redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'answered', '1')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
