"""One partitioner for every producer, so a key lands on the same partition
whoever writes it.

Co-partitioning depends on it: the gateway (librdkafka) writes an account's
commands and the matching stage (aiokafka) writes that account's fills, and
the account stage must find both on one partition. librdkafka's default
(CRC32) and aiokafka's (murmur2) disagree; both speak Java's murmur2.
"""

from __future__ import annotations

from aiokafka.partitioner import murmur2

# librdkafka's name for Java's partitioner (murmur2 of the key bytes).
LIBRDKAFKA_PARTITIONER = "murmur2_random"


def partition_for(key: bytes, partitions: int) -> int:
    """The partition Java's default partitioner picks for a non-null key."""
    hashed: int = murmur2(key)
    return (hashed & 0x7FFFFFFF) % partitions
