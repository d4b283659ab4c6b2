data = $stdin.read.split
# TODO: A + B
