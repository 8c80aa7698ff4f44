-- push:register and push:unregister (after rate_limit.lua).
--
-- KEYS[1] the user's rate log   KEYS[2] notif:{<user>}:devices (hash: device -> "<provider>\n<token>")
-- ARGV[1], ARGV[2] the rate limit   ARGV[3] 'set' or 'del'   ARGV[4] the device
-- ARGV[5] the registration ('set')   ARGV[6] most devices per user
--
-- Returns {-2, retryAfterMs} when the rate limit refuses; {-1} when a new device would pass
-- the bound; else {1} when something changed, {0} when not.
local retry_after = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if retry_after > 0 then
  return {-2, retry_after}
end
local devices, op, device, value = KEYS[2], ARGV[3], ARGV[4], ARGV[5]
if op == 'set' then
  if redis.call('HEXISTS', devices, device) == 0 and redis.call('HLEN', devices) >= tonumber(ARGV[6]) then
    return {-1}
  end
  redis.call('HSET', devices, device, value)
  return {1}
end
return {redis.call('HDEL', devices, device)}
