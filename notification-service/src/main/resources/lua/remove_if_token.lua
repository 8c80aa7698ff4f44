-- Removes a push registration whose provider called its token invalid, only while it still
-- has that token (the device may have registered a new one while the push was under way).
--
-- KEYS[1] notif:{<user>}:devices (hash: device -> "<provider>\n<token>")
-- ARGV[1] the device   ARGV[2] the token
--
-- Returns 1 when removed, 0 when not (gone already, or a newer token).
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or string.sub(current, -#ARGV[2] - 1) ~= '\n' .. ARGV[2] then
  return 0
end
return redis.call('HDEL', KEYS[1], ARGV[1])
