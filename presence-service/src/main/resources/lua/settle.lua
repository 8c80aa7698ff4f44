-- The sweep's check of one user whose next check time came: expired connections leave, a
-- grace period that ended ends. Runs after the presence.lua prelude.
--
-- KEYS[1] conns  KEYS[2] state
-- ARGV[1] now (ms)  ARGV[2] cutoff (ms)  ARGV[3] ttl (ms)
--
-- Returns settle()'s answer.
return settle(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), 0)
