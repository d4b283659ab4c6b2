n = STDIN.read.to_i
out = (1..n).map do |i|
  if i % 15 == 0 then "FizzBuzz"
  elsif i % 3 == 0 then "Fizz"
  elsif i % 5 == 0 then "Buzz"
  else i.to_s
  end
end
STDOUT.write(out.join("\n") << "\n")
