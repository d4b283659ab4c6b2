"""The weekly discovery playlist's computation (docs/music.md,
Recommendations): counted streams per (listener, track) -> a sparse listener
x track matrix -> implicit's ALS -> each listener's best tracks they have
not played.

No Kafka, ClickHouse or clock here: the recommender's agent
(discovery_agent.py) reads the counts and writes the facts; a test and a
benchmark call the same functions. A run is reproducible: listeners and
tracks are indexed in id order, the model is seeded (random_state) and
solved on one thread, and equal scores go to the smaller track id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from threadpoolctl import threadpool_limits

from schemas.music.recommendations import DISCOVERY_TRACKS

StreamCount = tuple[str, str, int]
"""(listener, track_id, counted streams), a cell of the matrix."""


@dataclass(frozen=True)
class ListeningMatrix:
    """Counted streams, listeners by tracks: row i is `listeners[i]`,
    column j is `tracks[j]`, both in id order."""

    listeners: tuple[str, ...]
    tracks: tuple[str, ...]
    streams: csr_matrix


@dataclass(frozen=True)
class AlsParameters:
    """implicit's ALS: confidence 1 + alpha * streams (implicit applies alpha)."""

    factors: int = 32
    regularization: float = 0.05
    alpha: float = 10.0
    iterations: int = 15
    random_state: int = 7

    def describe(self) -> str:
        """What DiscoveryPlaylistComputed.model says made the playlist."""
        import implicit

        return (
            f"implicit-{implicit.__version__} als factors={self.factors}"
            f" regularization={self.regularization} alpha={self.alpha}"
            f" iterations={self.iterations} random_state={self.random_state}"
        )


def listening_matrix(cells: Iterable[StreamCount]) -> ListeningMatrix:
    """The matrix of `cells`; a (listener, track) given twice is summed, a
    cell of no stream (0 or less) is left out."""
    kept = [(listener, track, n) for listener, track, n in cells if n > 0]
    listeners = tuple(sorted({listener for listener, _, _ in kept}))
    tracks = tuple(sorted({track for _, track, _ in kept}))
    row_of = {listener: i for i, listener in enumerate(listeners)}
    column_of = {track: j for j, track in enumerate(tracks)}
    rows = np.fromiter((row_of[c[0]] for c in kept), dtype=np.int32, count=len(kept))
    columns = np.fromiter((column_of[c[1]] for c in kept), dtype=np.int32, count=len(kept))
    values = np.fromiter((c[2] for c in kept), dtype=np.float32, count=len(kept))
    streams = csr_matrix((values, (rows, columns)), shape=(len(listeners), len(tracks)))
    streams.sum_duplicates()
    return ListeningMatrix(listeners, tracks, streams)


def best_unplayed(scores: np.ndarray, played: np.ndarray, n: int = DISCOVERY_TRACKS) -> list[int]:
    """The columns of the `n` highest `scores` that are not in `played`,
    best first; equal scores by the smaller column (the smaller track id)."""
    candidates = np.setdiff1d(np.arange(scores.shape[0]), played, assume_unique=True)
    if candidates.size == 0:
        return []
    # lexsort sorts by the last key first: score descending, then column.
    order = np.lexsort((candidates, -scores[candidates]))
    return [int(c) for c in candidates[order[:n]]]


def discovery_playlists(
    matrix: ListeningMatrix, parameters: AlsParameters, n: int = DISCOVERY_TRACKS
) -> dict[str, list[str]]:
    """Every listener's `n` best tracks they have not played, by ALS scores."""
    if not matrix.listeners:
        return {}
    user_factors, item_factors = _factors(matrix, parameters)
    playlists: dict[str, list[str]] = {}
    for i, listener in enumerate(matrix.listeners):
        row = matrix.streams.indptr[i], matrix.streams.indptr[i + 1]
        played = matrix.streams.indices[row[0] : row[1]]
        scores = item_factors @ user_factors[i]
        playlists[listener] = [matrix.tracks[j] for j in best_unplayed(scores, played, n)]
    return playlists


def _factors(matrix: ListeningMatrix, parameters: AlsParameters) -> tuple[np.ndarray, np.ndarray]:
    # The CPU model itself (implicit.als would probe for a GPU), on one
    # thread so that a run gives the same factors, and BLAS held to one
    # thread as implicit asks (it warns otherwise).
    from implicit.cpu.als import AlternatingLeastSquares

    with threadpool_limits(limits=1, user_api="blas"):
        model = AlternatingLeastSquares(
            factors=parameters.factors,
            regularization=parameters.regularization,
            alpha=parameters.alpha,
            iterations=parameters.iterations,
            random_state=parameters.random_state,
            num_threads=1,
        )
        model.fit(matrix.streams, show_progress=False)
    return np.asarray(model.user_factors), np.asarray(model.item_factors)
