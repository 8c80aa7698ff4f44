-- Admits one connection attempt from a client address: at most ARGV[1] admitted attempts
-- in any window of ARGV[2] ms (a sliding-window log of admitted attempts, on Redis's clock).
--
-- KEYS[1] edge:addr:{<address>}:attempts  (ZSET: member "<usec>.<n>", score ms; at most ARGV[1]
--         members, expires a window after the last attempt)
-- ARGV[1] max attempts   ARGV[2] window (ms)
--
-- Returns 0 when admitted (and recorded), else the ms until an attempt would be admitted.
return rate_limit(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
