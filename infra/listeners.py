"""Which TCP addresses a process listens on, read from /proc (Linux).

A port that answers is not proof that the service we started answers it: a
leftover process may hold the port while ours died failing to bind. Matching
the listening sockets' inodes with the process's own file descriptors is.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import sys
from dataclasses import dataclass
from pathlib import Path

# The kernel's code for a socket in the LISTEN state (include/net/tcp_states.h).
_LISTEN = "0A"


@dataclass(frozen=True)
class Listener:
    host: str
    port: int

    @property
    def is_loopback(self) -> bool:
        address = ipaddress.ip_address(self.host)
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return address.ipv4_mapped.is_loopback
        return address.is_loopback


def _address(hex_address: str) -> str:
    # The kernel prints each 32-bit word of the address in host byte order.
    words = [bytes.fromhex(hex_address[i : i + 8]) for i in range(0, len(hex_address), 8)]
    if sys.byteorder == "little":
        words = [word[::-1] for word in words]
    return str(ipaddress.ip_address(b"".join(words)))


def parse_listening(proc_net_tcp: str) -> dict[int, Listener]:
    """Listening sockets of a /proc/<pid>/net/tcp or tcp6 table, by socket inode."""
    found: dict[int, Listener] = {}
    for line in proc_net_tcp.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or fields[3] != _LISTEN:
            continue
        hex_address, hex_port = fields[1].split(":")
        found[int(fields[9])] = Listener(_address(hex_address), int(hex_port, 16))
    return found


def process_group(pgid: int) -> list[int]:
    """The live processes of a process group (every service runs in its own)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) == pgid:
                members.append(int(entry.name))
    return members


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def listening(pids: list[int]) -> set[Listener]:
    """Every TCP address on which one of these processes holds a listening socket."""
    found: set[Listener] = set()
    for pid in pids:
        inodes = _socket_inodes(pid)
        for table in ("tcp", "tcp6"):
            with contextlib.suppress(OSError):
                sockets = parse_listening(Path(f"/proc/{pid}/net/{table}").read_text())
                found |= {listener for inode, listener in sockets.items() if inode in inodes}
    return found


def listens_on(pid: int, port: int) -> bool:
    """True if the process itself (not another one) listens on the port."""
    return any(listener.port == port for listener in listening([pid]))
