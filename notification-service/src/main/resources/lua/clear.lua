-- notification:clear and notification:clear-all (after rate_limit.lua and notif.lua).
--
-- KEYS[1] the user's rate log   KEYS[2..8] the user's keys (notif.lua)   KEYS[9] collapsed
-- ARGV[1], ARGV[2] the rate limit   ARGV[3] now (ms)   ARGV[4] max notifications
-- ARGV[5] retention (ms)   ARGV[6] the id, or '' for every notification
--
-- Returns {-2, retryAfterMs} when the rate limit refuses; {-1, 1} when the id is not one of
-- the user's notifications; else {badge, how many were deleted, badge version}.
local retry_after = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if retry_after > 0 then
  return {-2, retry_after}
end
local k = user_keys(2)
local now, max_items, retention, id = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local ids
if id == '' then
  ids = redis.call('ZRANGE', k.items, 0, -1)
  redis.call('DEL', KEYS[9])
elseif redis.call('HEXISTS', k.data, id) == 1 then
  ids = {id}
elseif redis.call('ZSCORE', k.removed, id) ~= false then
  ids = {}
else
  return {-1, 1}
end
for _, each in ipairs(ids) do
  forget(k, each, now)
end
bound(k, now, max_items, retention)
redis.call('PEXPIRE', k.removed, retention)
local badge, version = badge_now(k)
return {badge, #ids, version}
