-- notification:get-pending (after rate_limit.lua and notif.lua): one page, newest first.
--
-- KEYS[1] the user's rate log   KEYS[2..8] the user's keys (notif.lua)
-- ARGV[1], ARGV[2] the rate limit   ARGV[3] now (ms)   ARGV[4] retention (ms)
-- ARGV[5] page size + 1   ARGV[6] the id the page starts below, or ''   ARGV[7] max notifications
--
-- Returns {-2, retryAfterMs} when the rate limit refuses; {-1} when ARGV[6] is not one of
-- the user's current notifications; else {badge, badge version, id1, bytes1, read1, count1, id2, ...}
-- (read '1' or '0'). Notifications past the retention are dropped first, so that the badge
-- never counts one the page would not show.
local retry_after = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if retry_after > 0 then
  return {-2, retry_after}
end
local k = user_keys(2)
local now, retention, size, before = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
bound(k, now, tonumber(ARGV[7]), retention)
local max = '+inf'
if before ~= '' then
  local score = redis.call('ZSCORE', k.items, before)
  if not score then
    return {-1}
  end
  max = '(' .. score
end
local ids = redis.call('ZREVRANGEBYSCORE', k.items, max, '-inf', 'LIMIT', 0, size)
local badge, version = badge_now(k)
local page = {badge, version}
for _, id in ipairs(ids) do
  table.insert(page, id)
  table.insert(page, redis.call('HGET', k.data, id))
  table.insert(page, tostring(redis.call('SISMEMBER', k.unread, id) == 0 and 1 or 0))
  table.insert(page, redis.call('HGET', k.counts, id) or '1')
end
return page
