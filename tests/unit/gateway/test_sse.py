from __future__ import annotations

import json

from gateway.sse import sse_event


def test_event_has_name_id_and_one_data_line() -> None:
    text = sse_event("trade", {"seq": 7, "note": "a\nb"}, 7)
    assert text.endswith("\n\n")
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "event: trade"
    assert lines[1] == "id: 7"
    assert json.loads(lines[2].removeprefix("data: ")) == {"seq": 7, "note": "a\nb"}


def test_event_name_cannot_inject_fields() -> None:
    text = sse_event("x\ndata: forged", {}, None)
    assert text.count("data:") == 1
    assert "id:" not in text
