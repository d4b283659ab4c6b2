"""Release ports: below the ephemeral range, a slice per agent, in turn, bound ones skipped."""

from __future__ import annotations

import itertools
import socket

import pytest

from streams.deploy.host_ports import HIGHEST, LOWEST, PortPicker


def test_slices_are_disjoint_and_below_the_ephemeral_range() -> None:
    slices = [PortPicker.slice_of(i, 5).ports for i in range(5)]
    assert slices[0].start == LOWEST
    assert all(s.stop <= HIGHEST <= 32_768 for s in slices)
    assert all(a.stop <= b.start for a, b in itertools.pairwise(slices))


def test_ports_are_handed_out_in_turn_without_repeats() -> None:
    picker = PortPicker(LOWEST, LOWEST + 50)
    picked = [picker.pick() for _ in range(20)]
    assert len(set(picked)) == 20
    assert all(LOWEST <= p < LOWEST + 50 for p in picked)


def test_a_bound_port_is_skipped() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        picker = PortPicker(port, port + 2)
        assert {picker.pick(), picker.pick()} == {port + 1}


def test_bad_slices_are_refused() -> None:
    with pytest.raises(ValueError):
        PortPicker.slice_of(5, 5)
