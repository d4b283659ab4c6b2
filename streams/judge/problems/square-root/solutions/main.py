import math
import sys

data = sys.stdin.read().split()
t = int(data[0])
print("\n".join(f"{math.sqrt(float(x)):.9f}" for x in data[1 : 1 + t]))
