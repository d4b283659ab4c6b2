data = $stdin.read.split
# TODO: Course Schedule Order
