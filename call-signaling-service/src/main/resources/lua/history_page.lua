-- One page of a user's call history, newest first. After the first page it goes on by rank
-- from the previous page's last entry, so entries that share a start time (a sorted-set
-- score) are neither skipped nor repeated.
--
-- KEYS[1] call:{<user>}:history
-- ARGV[1] the previous page's last entry ('' for the first page)
-- ARGV[2] the first page's highest start, '+inf' or '(<ms>' (exclusive)
-- ARGV[3] how many entries (the page and one more, to tell whether another page follows)
--
-- Returns the entries (the caller drops those past the retention). Empty when the previous
-- page's last entry has left (trimmed as the oldest): nothing older is kept.
if ARGV[1] ~= '' then
  local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])
  if not rank then
    return {}
  end
  return redis.call('ZREVRANGE', KEYS[1], rank + 1, rank + tonumber(ARGV[3]))
end
return redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[2], '-inf', 'LIMIT', 0, ARGV[3])
