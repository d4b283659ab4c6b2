data = $stdin.read.split
# TODO: Polygon Area
