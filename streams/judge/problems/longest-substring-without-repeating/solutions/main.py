def lengthOfLongestSubstring(s: str) -> int:
    last: dict[str, int] = {}
    best = start = 0
    for i, ch in enumerate(s):
        if last.get(ch, -1) >= start:
            start = last[ch] + 1
        last[ch] = i
        best = max(best, i - start + 1)
    return best
