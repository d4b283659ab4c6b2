data = $stdin.read.split
# TODO: 0/1 Knapsack
