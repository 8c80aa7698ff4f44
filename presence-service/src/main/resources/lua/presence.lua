-- Prelude: one user's presence, kept per connection and aggregated per user. Every presence
-- script is this file followed by a body (LuaScript.fromResources); all keys are one user's,
-- tagged {<user>}, so each script stays on one slot of a Redis Cluster.
--
--   conns   presence:{<user>}:conns   sorted set: connection id -> expiry (ms). A connection
--           counts while its expiry is after the cutoff (below); its gateway's alive
--           reports extend it.
--   closed  presence:{<user>}:closed  sorted set: connection id -> tombstone expiry (ms).
--           A closed connection, so that a late opened or alive report (reports travel
--           separately and may overtake each other) cannot bring it back.
--   state   presence:{<user>}:state   hash:
--             status      what the user set: online (default), away, busy, offline (appear
--                         offline while connected)
--             custom      the custom status, absent when none
--             lastSeen    ms: when the last connection ended, or the user chose offline
--             shown       the status others were last told: online, away, busy, offline
--             graceUntil  ms: the last connection ended; the user stays as shown until then
--
-- Times are the service's clock in ms, passed by the caller: now, and the cutoff, the time
-- at or before which an expiry counts as passed. The cutoff is now, except for one connection
-- lifetime after presence-service comes back from an outage: then it is the time of the last
-- sweep before the outage, since no report could be taken meanwhile and live connections
-- must get the chance to be reported again before anything counts as expired.

-- Adds or extends the listed connections (expiry = now + ttl) unless they are tombstoned
-- (settle() then ends any grace period, since a connection lives). Returns how many were new.
local function touch(conns, closed, now, ttl, ids)
  redis.call('ZREMRANGEBYSCORE', closed, '-inf', now)
  local added = 0
  for _, id in ipairs(ids) do
    if not redis.call('ZSCORE', closed, id) then
      added = added + redis.call('ZADD', conns, 'GT', now + ttl, id)
    end
  end
  return added
end

-- Drops expired connections (expiry at or before the cutoff) and decides what others see: online / away / busy while a
-- connection lives or the grace period runs (offline when the user chose it), else offline.
-- A connection that expired (its gateway stopped reporting: a crash) was last seen at its
-- last alive report, expiry - ttl.
--
-- Returns {changed, shown, lastSeen, custom, nextCheck, expired ids...}:
--   changed    1 when `shown` differs from what others were last told (or force is 1), else 0
--   lastSeen   ms, '' when never seen
--   custom     the custom status, '' when none
--   nextCheck  ms of the next moment this may change without a report (the earliest
--              connection expiry, or the grace period's end); -1 when nothing is pending
local function settle(conns, state, now, cutoff, ttl, force)
  local expired = redis.call('ZRANGEBYSCORE', conns, '-inf', cutoff, 'WITHSCORES')
  local s = redis.call('HMGET', state, 'status', 'custom', 'lastSeen', 'shown', 'graceUntil')
  local status, custom, last_seen = s[1] or 'online', s[2] or '', tonumber(s[3])
  local was_shown, grace_until = s[4] or 'offline', tonumber(s[5])
  local result = {0, '', '', '', -1}
  for i = 1, #expired, 2 do
    result[#result + 1] = expired[i]
  end
  if #expired > 0 then
    redis.call('ZREMRANGEBYSCORE', conns, '-inf', cutoff)
  end
  local live = redis.call('ZCARD', conns)
  if live > 0 or (grace_until and grace_until <= now) then
    if grace_until then
      redis.call('HDEL', state, 'graceUntil')
    end
    grace_until = nil
  end
  if live == 0 and #expired > 0 and not grace_until and status ~= 'offline' then
    local last_alive = tonumber(expired[#expired]) - ttl
    if not last_seen or last_alive > last_seen then
      last_seen = last_alive
      redis.call('HSET', state, 'lastSeen', last_seen)
    end
  end
  local shown = 'offline'
  if live > 0 or grace_until then
    shown = status
  end
  if shown ~= was_shown then
    redis.call('HSET', state, 'shown', shown)
  end
  local next_check = -1
  local earliest = redis.call('ZRANGE', conns, 0, 0, 'WITHSCORES')
  if earliest[2] then
    next_check = tonumber(earliest[2])
  end
  if grace_until and (next_check < 0 or grace_until < next_check) then
    next_check = grace_until
  end
  result[1] = (shown ~= was_shown or force == 1) and 1 or 0
  result[2] = shown
  result[3] = last_seen and string.format('%.0f', last_seen) or ''
  result[4] = custom
  result[5] = next_check
  return result
end

-- Keeps a user's keys while they are in use: tombstones a few lifetimes; connections and the
-- state (status, custom status, last seen) for the retention period, so that they outlast
-- an outage of presence-service (settle() removes expired connections, this only bounds an
-- abandoned key).
local function keep(conns, closed, state, ttl, retention)
  redis.call('PEXPIRE', conns, retention)
  if redis.call('EXISTS', closed) == 1 then
    redis.call('PEXPIRE', closed, 2 * ttl)
  end
  if redis.call('EXISTS', state) == 1 then
    redis.call('PEXPIRE', state, retention)
  end
end
