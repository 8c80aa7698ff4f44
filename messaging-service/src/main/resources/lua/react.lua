-- Adds or removes one reaction (user, emoji) on a message of a chat, if the user is a member
-- and the message is still in the chat's log.
--
-- KEYS[1] msg:{<chat>}:members   KEYS[2] msg:{<chat>}:log   KEYS[3] msg:{<chat>}:reactions:<seq>
-- ARGV[1] user id   ARGV[2] seq   ARGV[3] field "<emoji>\t<user>"   ARGV[4] "add" or "remove"
-- ARGV[5] the reactions key's lifetime (ms), renewed on every add
--
-- Returns -1 not a member, -2 no such message, 1 changed, 0 already so (idempotent).
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  return -1
end
if #redis.call('XRANGE', KEYS[2], ARGV[2] .. '-0', ARGV[2] .. '-0') == 0 then
  return -2
end
if ARGV[4] == 'add' then
  local added = redis.call('HSETNX', KEYS[3], ARGV[3], '1')
  redis.call('PEXPIRE', KEYS[3], ARGV[5])
  return added
end
return redis.call('HDEL', KEYS[3], ARGV[3])
