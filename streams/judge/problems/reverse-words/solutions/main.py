import sys

lines = sys.stdin.read().split("\n")
n = int(lines[0])
out = [" ".join(reversed(lines[1 + i].split())) for i in range(n)]
sys.stdout.write("\n".join(out) + "\n")
