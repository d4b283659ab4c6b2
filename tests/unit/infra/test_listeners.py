from __future__ import annotations

import sys

import pytest

from infra.listeners import Listener, parse_listening

HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"  # noqa: E501

# Lines as a little-endian kernel prints them: one listener on 127.0.0.1:3430,
# one on 0.0.0.0:3341, and an established connection (state 01) to ignore.
TCP = HEADER + (
    "   0: 0100007F:0D66 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
    "     0        0 15020 1 00000000f03ffe8a 100 0 0 10 0\n"
    "   1: 00000000:0D0D 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
    "     0        0 15021 1 00000000f03ffe8b 100 0 0 10 0\n"
    "   2: 0100007F:0D66 0100007F:9C40 01 00000000:00000000 00:00000000 00000000"
    "     0        0 15022 1 00000000f03ffe8c 100 0 0 10 0\n"
)
# Kafka's JVM listens on IPv4-mapped IPv6 (::ffff:127.0.0.1) and here on :: too.
TCP6 = HEADER + (
    "   0: 0000000000000000FFFF00000100007F:0D48 00000000000000000000000000000000:0000 0A"
    " 00000000:00000000 00:00000000 00000000     0        0 14970 1 00000000d1e854b5 100 0 0 10 0\n"
    "   1: 00000000000000000000000000000000:0D49 00000000000000000000000000000000:0000 0A"
    " 00000000:00000000 00:00000000 00000000     0        0 14967 1 000000002ff14d4a 100 0 0 10 0\n"
    "   2: 00000000000000000000000001000000:0D4A 00000000000000000000000000000000:0000 0A"
    " 00000000:00000000 00:00000000 00000000     0        0 14968 1 000000002ff14d4b 100 0 0 10 0\n"
)

pytestmark = pytest.mark.skipif(sys.byteorder != "little", reason="lines from a little-endian host")


def test_listening_sockets_of_an_ipv4_table_by_inode() -> None:
    assert parse_listening(TCP) == {
        15020: Listener("127.0.0.1", 3430),
        15021: Listener("0.0.0.0", 3341),
    }


def test_listening_sockets_of_an_ipv6_table_by_inode() -> None:
    assert parse_listening(TCP6) == {
        14970: Listener("::ffff:7f00:1", 3400),
        14967: Listener("::", 3401),
        14968: Listener("::1", 3402),
    }


def test_loopback_is_127_x_and_1_and_their_ipv4_mapped_form() -> None:
    assert Listener("127.0.0.1", 1).is_loopback
    assert Listener("::1", 1).is_loopback
    assert Listener("::ffff:7f00:1", 1).is_loopback
    assert not Listener("0.0.0.0", 1).is_loopback
    assert not Listener("::", 1).is_loopback
    assert not Listener("::ffff:a00:5", 1).is_loopback
    assert not Listener("10.0.0.5", 1).is_loopback
