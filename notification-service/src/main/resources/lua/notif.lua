-- Prelude: one user's notifications, every key tagged {<user>} (one Redis Cluster slot).
-- Scripts are this file followed by their body (LuaScript.fromResources; the client events'
-- after platform's rate_limit.lua too, whose rate log, KEYS[1], is on the user's slot as well).
--
--   items    sorted set  id -> order: creation time in microseconds, made unique per user
--   data     hash        id -> the notification (protobuf bytes, without id, read, count, badge)
--   unread   set         ids not read yet
--   badge    set         unread ids that count for the badge (not of a muted chat): SCARD = badge
--   counts   hash        id -> how many events it stands for, when more than one (collapsed)
--   removed  sorted set  ids cleared or dropped by a bound -> when (ms): repeats stay idempotent
--   version  string      the badge's version: raised by every change of the badge set, so a
--                        device that hears of the badge by two paths (its own ack, another
--                        device's event, which may overtake it) keeps the newest
--
-- A script names them in this order after its own leading keys; user_keys(first) reads them.
local function user_keys(first)
  return {items = KEYS[first], data = KEYS[first + 1], unread = KEYS[first + 2],
          badge = KEYS[first + 3], counts = KEYS[first + 4], removed = KEYS[first + 5],
          version = KEYS[first + 6]}
end

-- Raises the badge's version: at least one more than before and at least Redis's clock in
-- microseconds, so that it keeps growing even after the key expired with an idle user's
-- other keys (a device may remember a version from before).
local function bump_version(k)
  local t = redis.call('TIME')
  local now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local next = math.max(tonumber(redis.call('GET', k.version) or '0') + 1, now_us)
  redis.call('SET', k.version, string.format('%.0f', next))
end

local function badge_add(k, id)
  if redis.call('SADD', k.badge, id) == 1 then
    bump_version(k)
  end
end

local function badge_remove(k, id)
  if redis.call('SREM', k.badge, id) == 1 then
    bump_version(k)
  end
end

-- {badge, version}: what every script answers about the badge.
local function badge_now(k)
  return redis.call('SCARD', k.badge), tonumber(redis.call('GET', k.version) or '0')
end

-- Whether id is, or was, one of this user's notifications (a stranger's id is neither).
local function known(k, id)
  return redis.call('HEXISTS', k.data, id) == 1 or redis.call('ZSCORE', k.removed, id) ~= false
end

-- Deletes one notification, remembering its id as removed.
local function forget(k, id, now_ms)
  redis.call('ZREM', k.items, id)
  redis.call('HDEL', k.data, id)
  redis.call('SREM', k.unread, id)
  badge_remove(k, id)
  redis.call('HDEL', k.counts, id)
  redis.call('ZADD', k.removed, now_ms, id)
end

-- Drops notifications older than retention or beyond max_items (oldest first), and bounds
-- the removed ids the same way (twice max_items, as long as retention).
local function bound(k, now_ms, max_items, retention_ms)
  local oldest_us = (now_ms - retention_ms) * 1000
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', k.items, '-inf', '(' .. oldest_us)) do
    forget(k, id, now_ms)
  end
  local excess = redis.call('ZCARD', k.items) - max_items
  if excess > 0 then
    for _, id in ipairs(redis.call('ZRANGE', k.items, 0, excess - 1)) do
      forget(k, id, now_ms)
    end
  end
  redis.call('ZREMRANGEBYSCORE', k.removed, '-inf', '(' .. (now_ms - retention_ms))
  redis.call('ZREMRANGEBYRANK', k.removed, 0, -(2 * max_items + 1))
end

-- Every key lives as long as the newest notification may.
local function extend(k, retention_ms)
  for _, key in pairs(k) do
    redis.call('PEXPIRE', key, retention_ms)
  end
end
