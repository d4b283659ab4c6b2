from __future__ import annotations

import pytest

from streams.deploy.host_plan import HostObservation, plan_install

DIGEST = "a" * 64


def _redo(observed: HostObservation) -> dict[str, bool]:
    return {p.step: p.redo for p in plan_install(observed, DIGEST)}


def test_a_fresh_host_does_every_step() -> None:
    fresh = HostObservation(downloaded=False, unpacked_digest=None, running=False, is_current=False)
    assert list(_redo(fresh)) == [
        "fetched",
        "verified",
        "unpacked",
        "started",
        "healthy",
        "switched",
    ]
    assert all(_redo(fresh).values())


def test_a_host_already_on_the_release_only_checks_again() -> None:
    done = HostObservation(downloaded=True, unpacked_digest=DIGEST, running=True, is_current=True)
    assert _redo(done) == {
        "fetched": False,
        "verified": True,
        "unpacked": False,
        "started": False,
        "healthy": True,
        "switched": False,
    }


def test_killed_after_start_resumes_at_health_and_switch() -> None:
    started = HostObservation(
        downloaded=True, unpacked_digest=DIGEST, running=True, is_current=False
    )
    redo = _redo(started)
    assert not redo["unpacked"] and not redo["started"]
    assert redo["healthy"] and redo["switched"]


@pytest.mark.parametrize("unpacked", [None, "b" * 64])
def test_a_release_unpacked_from_another_artifact_is_unpacked_again(unpacked: str | None) -> None:
    stale = HostObservation(
        downloaded=True, unpacked_digest=unpacked, running=True, is_current=True
    )
    redo = _redo(stale)
    assert not redo["fetched"]  # the download is there
    assert redo["unpacked"] and redo["started"] and redo["switched"]


def test_a_downloaded_but_not_unpacked_release_skips_only_the_fetch() -> None:
    fetched = HostObservation(
        downloaded=True, unpacked_digest=None, running=False, is_current=False
    )
    redo = _redo(fetched)
    assert not redo["fetched"]
    assert redo["verified"] and redo["unpacked"] and redo["started"]
