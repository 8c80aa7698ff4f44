-- Prelude: the per-user rate limiter, one sliding-window log per (user, event). Scripts are
-- built as this file followed by a body (LuaScript.fromResources), so every service checks
-- limits with this one algorithm, atomically, inside the script that does the event's work.
--
-- rate_limit(key, max, window_ms) -> 0 when the event is allowed (and recorded), else the
-- milliseconds until it would be (at least 1; nothing is recorded).
--
--   key        a sorted set: one entry per accepted event of the window, score its time in
--              microseconds of Redis's clock, member "<usec>.<count before it>"
--   max        events allowed in any window (decimal text or number, >= 1); 0 means the
--              caller ran the check already (Redis Cluster) and key is not the log
--   window_ms  the window's length in milliseconds
--
-- The sliding-window log (see "An alternative approach to rate limiting", Figma, 2017, which
-- weighs it against fixed windows and counters): an event at time t is allowed when fewer
-- than max accepted events lie in (t - window, t]; entries at or before t - window are
-- dropped first. Exact, since the log holds every accepted event of the window (no window
-- boundary lets 2 x max through, nothing is estimated), at the cost of one entry per
-- accepted event: at most max entries, and the key expires a window after its last entry
-- (PEXPIRE), so an idle user costs nothing.
--
-- Time is Redis's own (TIME; allowed in scripts since Redis 5, whose effects replication
-- copies the writes, not the script), so callers on every host share one clock. If that
-- clock steps back (NTP), the newest entry's time is used instead, keeping the log ordered.
-- Members are unique even within one microsecond: events recorded at the same time see a
-- count one higher each time (nothing can leave the window between them), and entries of
-- other times differ in their first part.
local function rate_limit(key, max, window_ms)
  max = tonumber(max)
  if max == 0 then
    -- The caller checked already, as its own script: on Redis Cluster the log is in another
    -- slot than this script's keys, and key is a stand-in (RateCheck.keys(redis, keys)).
    return 0
  end
  window_ms = tonumber(window_ms)
  local window_us = window_ms * 1000
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if newest[2] ~= nil and tonumber(newest[2]) > now then
    now = tonumber(newest[2])
  end
  -- Microseconds since 1970 (~1.8e15) are exact in Lua's doubles (< 2^53); '%.0f' writes
  -- them out whole (tostring would round them to 14 digits).
  redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.0f', now - window_us))
  local count = redis.call('ZCARD', key)
  if count >= max then
    -- Allowed again once the entry at index count - max has left the window (the oldest,
    -- unless max was lowered while the log held more).
    local entry = redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')
    return math.max(1, math.ceil((tonumber(entry[2]) + window_us - now) / 1000))
  end
  redis.call('ZADD', key, string.format('%.0f', now), string.format('%.0f.%d', now, count))
  redis.call('PEXPIRE', key, window_ms)
  return 0
end
