-- Appends one message to a chat's log under the next per-chat sequence number, if the
-- sender is a member and within its message:new rate limit, at most once per (sender, tempId).
-- Runs after platform's rate_limit.lua prelude (LuaScript.fromResources), which defines rate_limit.
--
-- KEYS[1] msg:rl:{<sender>}:message:new (the sender's rate log)   ARGV[1] its max   ARGV[2] its window (ms)
-- KEYS[2] msg:{<chat>}:members   KEYS[3] msg:{<chat>}:seq   KEYS[4] msg:{<chat>}:log
-- KEYS[5] msg:{<chat>}:temp:<len(sender)>:<sender>:<tempId>   (unused when ARGV[6] is empty)
-- ARGV[3] sender user id   ARGV[4] history length bound   ARGV[5] tempId TTL (ms)
-- ARGV[6] tempId or ''     ARGV[7..] the entry's field/value pairs
--
-- Returns {-1, 0} when the sender is not a member, {seq, 1} for a repeated tempId (nothing
-- written), {-2, retryAfterMs} when the rate limit refuses (nothing written, nothing
-- counted), {seq, 0, members} for a new entry stored with stream id <seq>-0, members being
-- the chat's member ids at that moment (the message's recipients: no second round trip to
-- find them). INCR and XADD in one script give a sequence with no gaps among stored messages.
--
-- Order: membership first (a non-member learns nothing, not even its rate state); then the
-- tempId, so a retry of a stored message gets that message back even at the limit (it sends
-- nothing new); then the rate check, which guards the first write; then the append.
local rate_log, members, seq_key, log, temp = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local sender, history, temp_ttl, temp_id = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if redis.call('SISMEMBER', members, sender) == 0 then
  return {-1, 0}
end
if temp_id ~= '' then
  local prior = redis.call('GET', temp)
  if prior then
    return {tonumber(prior), 1}
  end
end
local retry_after = rate_limit(rate_log, ARGV[1], ARGV[2])
if retry_after > 0 then
  return {-2, retry_after}
end
local seq = redis.call('INCR', seq_key)
redis.call('XADD', log, 'MAXLEN', '~', history, seq .. '-0', unpack(ARGV, 7))
if temp_id ~= '' then
  redis.call('SET', temp, seq, 'PX', temp_ttl)
end
return {seq, 0, redis.call('SMEMBERS', members)}
