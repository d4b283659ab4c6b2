data = $stdin.read.split
# TODO: Shortest Paths (Dijkstra)
