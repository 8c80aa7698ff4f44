-- Adds or removes one reaction (user, emoji) on a message of a chat, if the user is a member,
-- the message is still in the chat's log, and the user is within its rate limit for the
-- event (reaction:new or reaction:remove). Runs after platform's rate_limit.lua prelude.
--
-- KEYS[1] msg:rl:{<user>}:reaction:new or :reaction:remove (the user's rate log)
-- ARGV[1] its max   ARGV[2] its window (ms)
-- KEYS[2] msg:{<chat>}:members   KEYS[3] msg:{<chat>}:log   KEYS[4] msg:{<chat>}:reactions:<seq>
-- ARGV[3] user id   ARGV[4] seq   ARGV[5] field "<emoji>\t<user>"   ARGV[6] "add" or "remove"
-- ARGV[7] the reactions key's lifetime (ms), renewed on every add
--
-- Returns -1 not a member, -2 no such message, {-3, retryAfterMs} refused by the rate limit
-- (nothing written or counted), 1 changed, 0 already so (idempotent).
--
-- Order: the refusals that change nothing come first (not a member, no such message) and
-- cost no budget; the rate check guards the write. A repeat that changes nothing still
-- counts: it is a request like any other.
local rate_log, members, log, reactions = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local user, seq, field, change, ttl = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
if redis.call('SISMEMBER', members, user) == 0 then
  return -1
end
if #redis.call('XRANGE', log, seq .. '-0', seq .. '-0') == 0 then
  return -2
end
local retry_after = rate_limit(rate_log, ARGV[1], ARGV[2])
if retry_after > 0 then
  return {-3, retry_after}
end
if change == 'add' then
  local added = redis.call('HSETNX', reactions, field, '1')
  redis.call('PEXPIRE', reactions, ttl)
  return added
end
return redis.call('HDEL', reactions, field)
