-- TEMPORARY: replaced by platform's shared limiter at merge.
local function rate_limit(key, max, window_ms)
  local t = redis.call('TIME')
  local now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local now_ms = math.floor(now_us / 1000)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now_ms - window_ms)
  local count = redis.call('ZCARD', key)
  if count >= max then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return math.max(1, tonumber(oldest[2]) + window_ms - now_ms)
  end
  redis.call('ZADD', key, now_ms, now_us .. '.' .. count)
  redis.call('PEXPIRE', key, window_ms)
  return 0
end
