-- call:answer: compare-and-set ringing -> active naming the answering connection, so that of
-- two devices answering at once (on two gateways) exactly one wins. Runs after the
-- rate_limit.lua and call.lua preludes; the checks that change nothing come before the rate
-- check, so a refused or repeated answer costs no budget.
--
-- KEYS[1] the callee's rate log  KEYS[2] call:{<call>}:state
-- ARGV[1] max  ARGV[2] window (ms)  ARGV[3] user  ARGV[4] connection  ARGV[5] now (ms)
-- ARGV[6] how long the state is kept from now on (ms)
--
-- Returns {'answered', read()...} | {'again', read()...} (a repeat by the winning connection)
--       | {'not_found'} | {'answered_elsewhere'} | {'ended', reason} | {'limited', retry ms}.
local user, conn, now = ARGV[3], ARGV[4], tonumber(ARGV[5])
local c = read(KEYS[2])
if not c[1] or c[3] ~= user then
  return {'not_found'}
end
if c[5] == 'active' then
  if c[6] == conn then
    return {'again', unpack(c)}
  end
  return {'answered_elsewhere'}
end
if c[5] ~= 'ringing' then
  return {'ended', c[7]}
end
if tonumber(c[11]) <= now then
  return {'ended', 'timeout'} -- the sweep ends it within a second
end
local retry_after = rate_limit(KEYS[1], ARGV[1], ARGV[2])
if retry_after > 0 then
  return {'limited', retry_after}
end
redis.call('HSET', KEYS[2], 'state', 'active', 'answeredBy', conn, 'answeredAt', ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return {'answered', unpack(read(KEYS[2]))}
