-- Moves a member's delivered or read position in a chat forward and says which messages the
-- move newly covers, with their senders.
--
-- KEYS[1] msg:{<chat>}:members   KEYS[2] msg:{<chat>}:seq   KEYS[3] msg:{<chat>}:log
-- KEYS[4] msg:{<chat>}:delivered or msg:{<chat>}:read   (hash: user -> position)
-- ARGV[1] the member's user id   ARGV[2..] message sequence numbers (decimal)
--
-- Returns -1 when the user is not a member, {-2, seq} when a sequence number was never
-- given out in this chat, else a flat list {seq1, sender1, seq2, sender2, ...} of the
-- messages above the old position that still exist and that the member did not send.
-- The position only moves forward, so a repeated receipt returns nothing and writes nothing.
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  return -1
end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
for i = 2, #ARGV do
  local seq = tonumber(ARGV[i])
  if seq > last then
    return {-2, seq}
  end
end
local previous = tonumber(redis.call('HGET', KEYS[4], ARGV[1]) or '0')
local position = previous
local covered = {}
for i = 2, #ARGV do
  local seq = tonumber(ARGV[i])
  if seq > previous then
    local entry = redis.call('XRANGE', KEYS[3], seq .. '-0', seq .. '-0')
    if #entry == 1 then
      local fields = entry[1][2]
      local sender
      for j = 1, #fields, 2 do
        if fields[j] == 'sender' then
          sender = fields[j + 1]
        end
      end
      if sender ~= ARGV[1] then
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
  redis.call('HSET', KEYS[4], ARGV[1], position)
end
return covered
