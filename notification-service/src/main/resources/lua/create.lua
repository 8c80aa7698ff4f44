-- Creates one notification for one user (after notif.lua), or answers the one its source
-- made before, or collapses it into the unread one of the same chat.
--
-- KEYS[1..7] the user's keys (notif.lua)   KEYS[8] sources (hash: source key -> id)
-- KEYS[9] source times (sorted set: source key -> ms)   KEYS[10] collapsed (hash: chat -> id)
-- ARGV[1] new id   ARGV[2] now (ms)   ARGV[3] the notification (bytes)
-- ARGV[4] '1' when it counts for the badge   ARGV[5] source key or ''
-- ARGV[6] chat to collapse on or ''   ARGV[7] max notifications   ARGV[8] retention (ms)
--
-- Returns {id, outcome, badge, count, badge version}: outcome 1 created, 0 the source's earlier one (nothing
-- written), 2 collapsed into id (its content replaced by the newer one, its count raised;
-- its place in the order kept).
local k = user_keys(1)
local sources, source_times, collapsed = KEYS[8], KEYS[9], KEYS[10]
local id, now, blob, counts_badge, source, chat = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local max_items, retention = tonumber(ARGV[7]), tonumber(ARGV[8])

if source ~= '' then
  local prior = redis.call('HGET', sources, source)
  if prior then
    local badge, version = badge_now(k)
    return {prior, 0, badge, tonumber(redis.call('HGET', k.counts, prior) or '1'), version}
  end
end

local outcome, count = 1, 1
if chat ~= '' then
  local open = redis.call('HGET', collapsed, chat)
  if open and redis.call('SISMEMBER', k.unread, open) == 1 then
    id, outcome = open, 2
    count = tonumber(redis.call('HGET', k.counts, open) or '1') + 1
    redis.call('HSET', k.counts, open, count)
  end
  redis.call('HSET', collapsed, chat, id)
end

-- The order: now in microseconds, or just after the newest, so ids sort as they were made.
-- A collapsed one keeps its place (where its burst began): moving it would make a client
-- paging back with `before` see some notifications twice and it never.
if outcome == 1 then
  local score = now * 1000
  local top = redis.call('ZREVRANGE', k.items, 0, 0, 'WITHSCORES')
  if top[2] and tonumber(top[2]) >= score then
    score = tonumber(top[2]) + 1
  end
  redis.call('ZADD', k.items, score, id)
end
redis.call('HSET', k.data, id, blob)
redis.call('SADD', k.unread, id)
if counts_badge == '1' then
  badge_add(k, id)
end
if source ~= '' then
  redis.call('HSET', sources, source, id)
  redis.call('ZADD', source_times, now, source)
end

bound(k, now, max_items, retention)
-- Sources are remembered as long as notifications, up to four times as many.
local old = redis.call('ZRANGEBYSCORE', source_times, '-inf', '(' .. (now - retention))
local excess = redis.call('ZCARD', source_times) - 4 * max_items
if excess > 0 then
  for _, s in ipairs(redis.call('ZRANGE', source_times, 0, excess - 1)) do
    table.insert(old, s)
  end
end
for _, s in ipairs(old) do
  redis.call('HDEL', sources, s)
  redis.call('ZREM', source_times, s)
end
extend(k, retention)
for _, key in ipairs({sources, source_times, collapsed}) do
  redis.call('PEXPIRE', key, retention)
end
local badge, version = badge_now(k)
return {id, outcome, badge, count, version}
