-- Claims one user for a call: the user's "current call" record, which makes a second call
-- to or from the user busy, and meets the other direction's call in a glare. An initiation
-- claims both users in the order of their ids (the smaller first), so two initiations
-- between the same users meet at the same first key and Redis's order decides: the first
-- claim wins, the other finds it there (glare) before holding anything.
--
-- KEYS[1] call:{<user>}:current  hash: call, peer, role (caller | callee), answered (1 once answered)
-- ARGV[1] call id  ARGV[2] the other party  ARGV[3] this user's role  ARGV[4] ttl (ms)
--
-- Returns {'claimed', call} | {'glare', the other direction's ringing call between the two}
--       | {'busy', the call the user is in}.
local current = redis.call('HMGET', KEYS[1], 'call', 'peer', 'role', 'answered')
if not current[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'call', ARGV[1], 'peer', ARGV[2], 'role', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'claimed', ARGV[1]}
end
if current[1] == ARGV[1] then
  return {'claimed', ARGV[1]}
end
if current[2] == ARGV[2] and current[3] ~= ARGV[3] and not current[4] then
  return {'glare', current[1]}
end
return {'busy', current[1]}
