-- Replaces a user's contact list, atomically (a script rather than MULTI, which Redis
-- Cluster clients refuse; the list is one key).
-- KEYS[1] presence:{<user>}:contacts   ARGV the contact ids (none: the list is cleared)
redis.call('DEL', KEYS[1])
-- SADD in chunks: Lua's unpack has a limit on how many values it spreads.
for i = 1, #ARGV, 1000 do
  redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
return #ARGV
