-- Takes one burst waiting for its push: how many notifications it holds and the latest.
--
-- KEYS[1] notif:{<user>}:push (hash: "<collapse key>\tcount" -> n, "<collapse key>\tlatest" -> id)
-- ARGV[1] the collapse key
--
-- Returns {count, latest id}, or {0, ''} when nothing waits (taken by an earlier claim).
local count_field, latest_field = ARGV[1] .. '\tcount', ARGV[1] .. '\tlatest'
local count = tonumber(redis.call('HGET', KEYS[1], count_field) or '0')
local latest = redis.call('HGET', KEYS[1], latest_field) or ''
redis.call('HDEL', KEYS[1], count_field, latest_field)
return {count, latest}
