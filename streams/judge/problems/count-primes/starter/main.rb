data = $stdin.read.split
# TODO: Count Primes
