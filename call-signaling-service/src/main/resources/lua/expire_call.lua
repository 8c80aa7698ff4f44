-- Ends a call for a cause no party sent: its time ran out (the ring timeout; for an answered
-- call, the longest call allowed), a participant's connection closed or stopped being
-- reported, or the initiation found the callee busy or unreachable. Runs after call.lua.
--
-- KEYS[1] call:{<call>}:state
-- ARGV[1] cause: timeout | connection_lost | busy | unavailable  ARGV[2] now (ms)
-- ARGV[3] how long the ended call is kept (ms)  ARGV[4] the connection, for connection_lost
-- ARGV[5] the longest call allowed (ms), for timeout
--
-- Returns {'finished', read()...} | {'unchanged'} (ended already, not due, or the connection
-- is not one in the call).
local cause, now = ARGV[1], tonumber(ARGV[2])
local c = read(KEYS[1])
if not c[1] or c[5] == 'ended' then
  return {'unchanged'}
end
if cause == 'timeout' then
  if c[5] == 'active' then
    if tonumber(c[9]) + tonumber(ARGV[5]) > now then
      return {'unchanged'}
    end
    cause = 'max_duration'
  elseif tonumber(c[11]) > now then
    return {'unchanged'}
  end
elseif cause == 'connection_lost' then
  if ARGV[4] ~= c[2] and ARGV[4] ~= c[6] then
    return {'unchanged'}
  end
elseif c[5] ~= 'ringing' then
  return {'unchanged'}
end
return {'finished', unpack(finish(KEYS[1], ARGV[2], cause, ARGV[3]))}
