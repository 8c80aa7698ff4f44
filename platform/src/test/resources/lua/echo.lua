-- Test script with no keys: returns ARGV[1].
return ARGV[1]
