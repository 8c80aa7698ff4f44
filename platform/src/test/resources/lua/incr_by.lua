-- Test script: KEYS[1] a counter, ARGV[1] an increment; returns the new value.
return redis.call('INCRBY', KEYS[1], ARGV[1])
