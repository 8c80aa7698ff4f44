-- The caller's side of call:initiate, on the caller's slot, before anything is written: a
-- repeat of an initiation (same tempId) answers the call it made, at no cost to the rate
-- limit; else the rate check. (The tempId is reserved with SET NX when the call is created,
-- so of two identical initiations in flight at once one creates the call.) Runs after the
-- rate_limit.lua prelude.
--
-- KEYS[1] the caller's call:initiate rate log  KEYS[2] call:{<caller>}:temp:<tempId> (absent
-- when the client sent no tempId)
-- ARGV[1] max  ARGV[2] window (ms)
--
-- Returns {'repeat', <what the tempId names>} | {'limited', retry-after ms} | {'go'}.
if KEYS[2] then
  local existing = redis.call('GET', KEYS[2])
  if existing then
    return {'repeat', existing}
  end
end
local retry_after = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if retry_after > 0 then
  return {'limited', retry_after}
end
return {'go'}
