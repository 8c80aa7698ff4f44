-- notification:read (after rate_limit.lua and notif.lua): marks the user's notifications read.
--
-- KEYS[1] the user's rate log   KEYS[2..7] the user's keys (notif.lua)
-- ARGV[1], ARGV[2] the rate limit   ARGV[3..] the ids
--
-- Returns {-2, retryAfterMs} when the rate limit refuses; {-1, i} when ARGV[i + 2] is not
-- one of the user's notifications (nothing is marked); else {badge, how many were unread}.
-- An id cleared or dropped by a bound is still the user's: reading it changes nothing.
local retry_after = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if retry_after > 0 then
  return {-2, retry_after}
end
local k = user_keys(2)
for i = 3, #ARGV do
  if not known(k, ARGV[i]) then
    return {-1, i - 2}
  end
end
local changed = 0
for i = 3, #ARGV do
  changed = changed + redis.call('SREM', k.unread, ARGV[i])
  redis.call('SREM', k.badge, ARGV[i])
end
return {redis.call('SCARD', k.badge), changed}
