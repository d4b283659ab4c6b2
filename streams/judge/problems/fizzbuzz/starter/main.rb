data = $stdin.read.split
# TODO: FizzBuzz
