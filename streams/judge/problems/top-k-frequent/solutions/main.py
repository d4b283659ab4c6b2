from collections import Counter


def topKFrequent(nums: list[int], k: int) -> list[int]:
    counts = Counter(nums)
    return sorted(counts, key=lambda value: (-counts[value], value))[:k]
