-- The rate check on its own, for an event whose work starts with reads that are pipelined
-- with it (the reads' answers are discarded when it refuses). See rate_limit.lua.
-- KEYS[1] the (user, event) log   ARGV[1] max   ARGV[2] window (ms)
-- Returns 0 when allowed (and recorded), else the milliseconds to wait.
return rate_limit(KEYS[1], ARGV[1], ARGV[2])
