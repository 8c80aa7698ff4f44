-- What follows a call's change (its events, clean-up, history) is run exactly once even when
-- the service fails in between: the script that changed the state ran, the steps after it
-- did not (Redis too slow for the first attempt, a crash). A retry of the event, or the
-- sweep, finds it not done and does it. A lease keeps two runners from doing it at once.
--
-- KEYS[1] call:{<call>}:state  (fields: announced = the last phase done, followUntil = lease end, ms)
-- ARGV[1] 'take' | 'done'  ARGV[2] the phase: active | ended  ARGV[3] now (ms)  ARGV[4] lease (ms)
--
-- take: 1 when the caller is to do the phase's follow-up now (not done, no lease running);
--       else 0 (done, someone else is on it, or the call is gone).
-- done: records the phase as done; 1, or 0 when the call is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local phase = ARGV[2]
if ARGV[1] == 'done' then
  redis.call('HSET', KEYS[1], 'announced', phase)
  redis.call('HDEL', KEYS[1], 'followUntil')
  return 1
end
local done = redis.call('HGET', KEYS[1], 'announced')
if done == 'ended' or done == phase then
  return 0
end
local lease = tonumber(redis.call('HGET', KEYS[1], 'followUntil'))
local now = tonumber(ARGV[3])
if lease and lease > now then
  return 0
end
redis.call('HSET', KEYS[1], 'followUntil', string.format('%.0f', now + tonumber(ARGV[4])))
return 1
