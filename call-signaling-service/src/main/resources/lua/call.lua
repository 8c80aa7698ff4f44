-- Prelude: one call's state machine, kept in one hash tagged {<call>}. It is not run alone:
-- answer.lua, end_call.lua and expire_call.lua are this file followed by their body
-- (LuaScript.fromResources; the first two after platform's rate_limit.lua too, whose
-- per-user rate log is the one key off the call's slot).
--
--   state  call:{<call>}:state  hash:
--            caller      the caller's user id
--            callerConn  the caller's connection (the one that initiated: it is in the call)
--            callee      the callee's user id
--            type        audio | video
--            state       ringing -> active -> ended, or ringing -> ended
--            answeredBy  the callee's connection that answered (set with active)
--            reason      why it ended (set with ended)
--            createdAt, answeredAt, endedAt, ringUntil   ms
--
-- read() answers the fields in this order; CallStore reads them in the same order.
local FIELDS = {'caller', 'callerConn', 'callee', 'type', 'state', 'answeredBy', 'reason',
                'createdAt', 'answeredAt', 'endedAt', 'ringUntil'}

local function read(state)
  return redis.call('HMGET', state, unpack(FIELDS))
end

-- Ends the call with `reason` at `now`; the ended call is kept `retention` ms (so late
-- events about it are told it ended). Returns read() after the change.
local function finish(state, now, reason, retention)
  redis.call('HSET', state, 'state', 'ended', 'reason', reason, 'endedAt', now)
  redis.call('PEXPIRE', state, retention)
  return read(state)
end
