data = $stdin.read.split
# TODO: Minimum Path Sum
