-- Appends one message to a chat's log under the next per-chat sequence number, if the
-- sender is a member, at most once per (sender, tempId).
--
-- KEYS[1] msg:{<chat>}:members   KEYS[2] msg:{<chat>}:seq   KEYS[3] msg:{<chat>}:log
-- KEYS[4] msg:{<chat>}:temp:<len(sender)>:<sender>:<tempId>   (unused when ARGV[4] is empty)
-- ARGV[1] sender user id   ARGV[2] history length bound   ARGV[3] tempId TTL (ms)
-- ARGV[4] tempId or ''     ARGV[5..] the entry's field/value pairs
--
-- Returns {-1, 0} when the sender is not a member, {seq, 1} for a repeated tempId (nothing
-- written), {seq, 0, members} for a new entry stored with stream id <seq>-0, members being
-- the chat's member ids at that moment (the message's recipients: no second round trip to
-- find them). INCR and XADD in one script give a sequence with no gaps among stored messages.
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  return {-1, 0}
end
if ARGV[4] ~= '' then
  local prior = redis.call('GET', KEYS[4])
  if prior then
    return {tonumber(prior), 1}
  end
end
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], seq .. '-0', unpack(ARGV, 5))
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[4], seq, 'PX', ARGV[3])
end
return {seq, 0, redis.call('SMEMBERS', KEYS[1])}
