-- A change of a user's preferences (after rate_limit.lua), or a read with the rate check.
--
-- KEYS[1] the user's rate log   KEYS[2] notif:{<user>}:prefs (hash)
-- ARGV[1], ARGV[2] the rate limit   ARGV[3] now (ms)   ARGV[4] most muted chats
-- ARGV[5] 'set', 'del' or 'get'   ARGV[6] the field (mute:<chat> or dnd)   ARGV[7] its value
--
-- Returns {-2, retryAfterMs} when the rate limit refuses; {-1} when a new mute would pass the
-- bound; else the hash after the change (HGETALL). Mutes that ran out are dropped first.
local retry_after = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if retry_after > 0 then
  return {-2, retry_after}
end
local prefs, now, max_mutes, op, field, value = KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local all = redis.call('HGETALL', prefs)
local mutes = 0
for i = 1, #all, 2 do
  if string.sub(all[i], 1, 5) == 'mute:' then
    local until_ms = tonumber(all[i + 1])
    if until_ms ~= 0 and until_ms <= now then
      redis.call('HDEL', prefs, all[i])
    elseif all[i] ~= field then
      mutes = mutes + 1
    end
  end
end
if op == 'set' then
  if string.sub(field, 1, 5) == 'mute:' and mutes >= max_mutes then
    return {-1}
  end
  redis.call('HSET', prefs, field, value)
elseif op == 'del' then
  redis.call('HDEL', prefs, field)
end
return redis.call('HGETALL', prefs)
