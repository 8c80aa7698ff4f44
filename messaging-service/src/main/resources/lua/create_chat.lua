-- Creates a chat unless its id is taken.
-- KEYS[1] msg:{<chat>}:meta   KEYS[2] msg:{<chat>}:members
-- ARGV[1] title   ARGV[2] createdAt (ms since epoch)   ARGV[3..] member user ids
-- Returns 1 when created, 0 when the chat exists.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'title', ARGV[1], 'createdAt', ARGV[2])
if #ARGV > 2 then
  redis.call('SADD', KEYS[2], unpack(ARGV, 3))
end
return 1
