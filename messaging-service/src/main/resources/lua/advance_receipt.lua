-- Moves a member's delivered or read position in a chat forward and says which messages the
-- move newly covers, with their senders, if the member is within its rate limit for the
-- receipt's event. Runs after platform's rate_limit.lua prelude, which defines rate_limit.
--
-- KEYS[1] msg:rl:{<user>}:message:delivered or :message:read (the member's rate log)
-- ARGV[1] its max   ARGV[2] its window (ms)
-- KEYS[2] msg:{<chat>}:members   KEYS[3] msg:{<chat>}:seq   KEYS[4] msg:{<chat>}:log
-- KEYS[5] msg:{<chat>}:delivered or msg:{<chat>}:read   (hash: user -> position)
-- ARGV[3] the member's user id   ARGV[4..] message sequence numbers (decimal)
--
-- Returns -1 when the user is not a member, {-2, seq} when a sequence number was never
-- given out in this chat, {-3, retryAfterMs} when the rate limit refuses (nothing written or
-- counted), else a flat list {seq1, sender1, seq2, sender2, ...} of the messages above the
-- old position that still exist and that the member did not send.
-- The position only moves forward, so a repeated receipt returns nothing and writes nothing.
--
-- Order: the refusals that read only and change nothing come first (not a member, an id
-- never given out: fix the request, waiting does not help) and cost no budget; the rate
-- check comes before the log lookups and the write, so a refused receipt is cheap.
local rate_log, members, seq_key, log, positions = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local user = ARGV[3]
if redis.call('SISMEMBER', members, user) == 0 then
  return -1
end
local last = tonumber(redis.call('GET', seq_key) or '0')
for i = 4, #ARGV do
  local seq = tonumber(ARGV[i])
  if seq > last then
    return {-2, seq}
  end
end
local retry_after = rate_limit(rate_log, ARGV[1], ARGV[2])
if retry_after > 0 then
  return {-3, retry_after}
end
local previous = tonumber(redis.call('HGET', positions, user) or '0')
local position = previous
local covered = {}
for i = 4, #ARGV do
  local seq = tonumber(ARGV[i])
  if seq > previous then
    local entry = redis.call('XRANGE', log, seq .. '-0', seq .. '-0')
    if #entry == 1 then
      local fields = entry[1][2]
      local sender
      for j = 1, #fields, 2 do
        if fields[j] == 'sender' then
          sender = fields[j + 1]
        end
      end
      if sender ~= user then
        table.insert(covered, seq)
        table.insert(covered, sender)
      end
    end
    if seq > position then
      position = seq
    end
  end
end
if position > previous then
  redis.call('HSET', positions, user, position)
end
return covered
