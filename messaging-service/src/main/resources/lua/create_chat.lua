-- Creates a chat unless its id is taken.
-- KEYS[1] msg:{<chat>}:meta   KEYS[2] msg:{<chat>}:members
-- ARGV[1] title   ARGV[2] createdAt (ms since epoch)   ARGV[3..] member user ids
-- Returns 1 when created, 0 when the chat exists.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'title', ARGV[1], 'createdAt', ARGV[2])
-- In chunks: Lua's unpack stops at about 8,000 values.
for i = 3, #ARGV, 1000 do
  redis.call('SADD', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
return 1
