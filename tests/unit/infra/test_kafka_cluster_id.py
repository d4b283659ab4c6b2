"""The KRaft cluster id the broker is formatted with."""

from __future__ import annotations

import uuid

import pytest

from infra import kafka_broker


def test_a_cluster_id_never_begins_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    # 0xf8 encodes to "-" as the first url-safe base64 character.
    drawn = iter([uuid.UUID(bytes=b"\xf8" + b"\x00" * 15), uuid.UUID(int=7)])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(drawn))
    cluster_id = kafka_broker._kraft_cluster_id()
    assert not cluster_id.startswith("-")
    assert len(cluster_id) == 22
