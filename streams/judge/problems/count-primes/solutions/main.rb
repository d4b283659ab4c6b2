n = STDIN.read.to_i
if n < 2
  puts 0
else
  # Odd-only sieve: index i stands for 2*i+1.
  size = (n - 1) / 2 + 1
  sieve = "\x01".b * size
  sieve.setbyte(0, 0) # 1 is not prime
  i = 1
  while (p = 2 * i + 1) * p <= n
    if sieve.getbyte(i) == 1
      j = (p * p) / 2
      while j < size
        sieve.setbyte(j, 0)
        j += p
      end
    end
    i += 1
  end
  puts sieve.count("\x01") + 1
end
