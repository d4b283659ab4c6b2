data = $stdin.read.split
# TODO: Huge Fibonacci Numbers
