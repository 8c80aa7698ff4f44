-- notification:read (after rate_limit.lua and notif.lua): marks the user's notifications read.
--
-- KEYS[1] the user's rate log   KEYS[2..8] the user's keys (notif.lua)
-- ARGV[1], ARGV[2] the rate limit   ARGV[3] now (ms)   ARGV[4] max notifications
-- ARGV[5] retention (ms)   ARGV[6..] the ids
--
-- Returns {-2, retryAfterMs} when the rate limit refuses; {-1, i} when ARGV[i + 5] is not
-- one of the user's notifications (nothing is marked); else {badge, how many were unread,
-- badge version}.
-- An id cleared or dropped by a bound is still the user's: reading it changes nothing.
-- Notifications past the retention are dropped first, so the badge never counts them.
local retry_after = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if retry_after > 0 then
  return {-2, retry_after}
end
local k = user_keys(2)
bound(k, tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
for i = 6, #ARGV do
  if not known(k, ARGV[i]) then
    return {-1, i - 5}
  end
end
local changed = 0
for i = 6, #ARGV do
  changed = changed + redis.call('SREM', k.unread, ARGV[i])
  badge_remove(k, ARGV[i])
end
local badge, version = badge_now(k)
return {badge, changed, version}
