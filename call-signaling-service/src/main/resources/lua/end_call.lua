-- call:reject and call:end by a party (any device of the caller or the callee). Runs after
-- the rate_limit.lua and call.lua preludes.
--
-- KEYS[1] the user's rate log  KEYS[2] call:{<call>}:state
-- ARGV[1] max  ARGV[2] window (ms)  ARGV[3] user  ARGV[4] 'reject' | 'end'  ARGV[5] now (ms)
-- ARGV[6] how long the ended call is kept (ms)
--
-- The reason: reject -> rejected; end while ringing -> cancelled by the caller (a missed
-- call), rejected by the callee; end while active -> hangup.
-- Returns {'finished', read()...} | {'not_found'} | {'ended', reason} (already: no change)
--       | {'not_callee'} | {'answered'} (reject after the answer) | {'limited', retry ms}.
local user, action = ARGV[3], ARGV[4]
local c = read(KEYS[2])
if not c[1] or (c[1] ~= user and c[3] ~= user) then
  return {'not_found'}
end
if c[5] == 'ended' then
  return {'ended', c[7]}
end
local reason
if action == 'reject' then
  if c[3] ~= user then
    return {'not_callee'}
  end
  if c[5] ~= 'ringing' then
    return {'answered'}
  end
  reason = 'rejected'
elseif c[5] == 'active' then
  reason = 'hangup'
elseif c[1] == user then
  reason = 'cancelled'
else
  reason = 'rejected'
end
local retry_after = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if retry_after > 0 then
  return {'limited', retry_after}
end
return {'finished', unpack(finish(KEYS[2], ARGV[5], reason, ARGV[6]))}
