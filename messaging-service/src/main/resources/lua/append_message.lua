-- Appends one message to a chat's log under the next per-chat sequence number, if the
-- sender is a member and within its message:new rate limit, at most once per (sender, tempId).
-- Runs after platform's rate_limit.lua prelude (LuaScript.fromResources), which defines rate_limit.
--
-- KEYS[1] msg:rl:{<sender>}:message:new (the sender's rate log)   ARGV[1] its max   ARGV[2] its window (ms)
-- KEYS[2] msg:{<chat>}:members   KEYS[3] msg:{<chat>}:seq   KEYS[4] msg:{<chat>}:log
-- KEYS[5] msg:{<chat>}:temp:<len(sender)>:<sender>:<tempId>   (unused when ARGV[6] is empty)
-- ARGV[3] sender user id   ARGV[4] history length bound   ARGV[5] tempId TTL (ms)
-- ARGV[6] tempId or ''     ARGV[7] n, the number of mention candidates
-- ARGV[8 .. 7+n] the candidates (sorted, each once, never the sender)
-- ARGV[8+n ..] the entry's field/value pairs
--
-- Returns {-1, 0} when the sender is not a member, {seq, 1} for a repeated tempId (nothing
-- written), {-2, retryAfterMs} when the rate limit refuses (nothing written, nothing
-- counted), {seq, 0, members, mentions} for a new entry stored with stream id <seq>-0,
-- members being the chat's member ids at that moment (the message's recipients: no second
-- round trip to find them) and mentions the candidates that are members, comma-joined (ids
-- hold no ','), '' for none; they are stored as the entry's `mentions` field when there are
-- some. INCR and XADD in one script give a sequence with no gaps among stored messages.
--
-- Order: membership first (a non-member learns nothing, not even its rate state); then the
-- tempId, so a retry of a stored message gets that message back even at the limit (it sends
-- nothing new); then the rate check, which guards the first write; then the append. A
-- message without candidates (the common case) runs no command for mentions.
local rate_log, members, seq_key, log, temp = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local sender, history, temp_ttl, temp_id = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local candidates = tonumber(ARGV[7])
local fields_from = 8 + candidates
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
local mentioned = ''
if candidates > 0 then
  local is_member = redis.call('SMISMEMBER', members, unpack(ARGV, 8, fields_from - 1))
  local kept = {}
  for i = 1, candidates do
    if is_member[i] == 1 then
      kept[#kept + 1] = ARGV[7 + i]
    end
  end
  if #kept > 0 then
    mentioned = table.concat(kept, ',')
    ARGV[#ARGV + 1] = 'mentions'
    ARGV[#ARGV + 1] = mentioned
  end
end
local seq = redis.call('INCR', seq_key)
redis.call('XADD', log, 'MAXLEN', '~', history, seq .. '-0', unpack(ARGV, fields_from))
if temp_id ~= '' then
  redis.call('SET', temp, seq, 'PX', temp_ttl)
end
return {seq, 0, redis.call('SMEMBERS', members), mentioned}
