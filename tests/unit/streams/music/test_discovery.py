"""The weekly discovery's pure core: the listener x track matrix from counted
streams, the "not played" filter, and ALS playlists that hold only unplayed
tracks, the same on every run, led by what listeners alike played."""

from __future__ import annotations

import numpy as np

from streams.music.discovery import (
    AlsParameters,
    best_unplayed,
    discovery_playlists,
    listening_matrix,
)


def test_the_matrix_is_indexed_in_id_order_and_sums_a_cell_given_twice() -> None:
    m = listening_matrix([("bob", "t2", 3), ("ann", "t9", 1), ("bob", "t2", 2), ("ann", "t1", 0)])
    assert m.listeners == ("ann", "bob")
    assert m.tracks == ("t2", "t9")  # t1 had no stream: no column
    assert m.streams.toarray().tolist() == [[0, 1], [5, 0]]


def test_an_empty_log_is_an_empty_matrix_and_no_playlist() -> None:
    m = listening_matrix([])
    assert m.streams.shape == (0, 0)
    assert discovery_playlists(m, AlsParameters()) == {}


def test_the_best_unplayed_leave_played_out_and_break_ties_by_column() -> None:
    scores = np.array([0.9, 0.5, 0.9, 0.1, 0.5, 0.7], dtype=np.float32)
    assert best_unplayed(scores, np.array([0], dtype=np.int32), n=4) == [2, 5, 1, 4]
    assert best_unplayed(scores, np.array([], dtype=np.int32), n=2) == [0, 2]
    assert best_unplayed(scores, np.arange(6, dtype=np.int32)) == []


def _two_circles() -> list[tuple[str, str, int]]:
    """Rock listeners play r0..r5, jazz listeners j0..j5; r-last has not
    played r5 and j-last not j5."""
    cells = []
    for circle in ("r", "j"):
        for n in range(8):
            listener = f"{circle}-{n}" if n < 7 else f"{circle}-last"
            for t in range(6 if n < 7 else 5):
                cells.append((listener, f"{circle}{t}", 1 + (n + t) % 3))
    return cells


def test_playlists_hold_no_played_track_and_lead_with_what_alike_listeners_played() -> None:
    matrix = listening_matrix(_two_circles())
    playlists = discovery_playlists(matrix, AlsParameters(factors=4, iterations=20), n=3)
    assert set(playlists) == set(matrix.listeners)
    played = {(listener, track) for listener, track, _ in _two_circles()}
    assert not [(p, t) for p, tracks in playlists.items() for t in tracks if (p, t) in played]
    assert playlists["r-last"][0] == "r5"
    assert playlists["j-last"][0] == "j5"
    assert all(len(tracks) == 3 for p, tracks in playlists.items() if p.endswith("last"))
    # Those who played a whole circle get the other's tracks, no more than asked.
    assert all(len(tracks) <= 3 for tracks in playlists.values())


def test_a_run_is_reproducible() -> None:
    matrix = listening_matrix(_two_circles())
    runs = [discovery_playlists(matrix, AlsParameters(factors=4)) for _ in range(2)]
    assert runs[0] == runs[1]
    assert AlsParameters().describe().startswith("implicit-0.7.3 als factors=32")
