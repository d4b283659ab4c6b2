data = $stdin.read.split
# TODO: Square Roots
