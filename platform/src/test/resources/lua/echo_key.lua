-- A test script: answers the value at KEYS[1].
return redis.call('GET', KEYS[1])
