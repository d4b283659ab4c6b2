"""The music loaders' routes: the plays route's answer read per index (503
sent again, a refusal failed once with the field it names), the catalog
lines sent as NDJSON and their failures named by entry (a gateway stand-in
answering as gateway/music/plays.py and gateway/batch.py do)."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from onelog.batch_loader import BatchSender
from onelog.music.catalog_generator import CatalogShape, catalog_lines, generate_catalog
from onelog.music.catalog_loader import CATALOG_ROUTE, PLAYS_ROUTE, plays_answer


def _plays(n: int) -> list[dict[str, Any]]:
    return [
        {"listener": f"l{i}", "track_id": "t1", "started_at_ms": i, "kind": "ended", "ms_played": 1}
        for i in range(n)
    ]


def test_a_plays_answer_counts_by_index_retries_503_and_names_the_refused_field() -> None:
    sent = _plays(4)
    body = orjson.dumps(
        {
            "accepted": 1,
            "plays": [
                {"index": 0, "status": 202, "event_id": "e"},
                {"index": 1, "status": 503, "error": {"detail": "not accepted"}},
                {
                    "index": 2,
                    "status": 403,
                    "error": {"detail": "not yours", "errors": [{"field": "plays.2.listener"}]},
                },
            ],
        }
    )
    answer = plays_answer(sent, body)
    assert answer.accepted == 1
    assert answer.again == [sent[1]]
    assert answer.failures == [
        "play l2 t1 2: 403 not yours plays.2.listener",
        "play l3 t1 3: no answer",
    ]


def test_plays_go_as_one_json_object_and_a_503_play_goes_again_alone() -> None:
    bodies: list[dict[str, Any]] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        body = orjson.loads(request.content)
        bodies.append(body)
        answers = [
            {"index": i, "status": 503 if len(bodies) == 1 and i == 2 else 202}
            for i in range(len(body["plays"]))
        ]
        return httpx.Response(200, json={"plays": answers}, headers={"Retry-After": "0"})

    sender = BatchSender("http://gw", "k", PLAYS_ROUTE, transport=httpx.MockTransport(gateway))
    answer = sender.send(_plays(5))
    sender.close()
    assert (answer.accepted, answer.failures) == (5, [])
    assert [len(body["plays"]) for body in bodies] == [5, 1]
    assert bodies[1]["plays"][0]["listener"] == "l2"


def test_catalog_lines_go_as_ndjson_and_a_refused_entry_is_named() -> None:
    lines = list(catalog_lines(generate_catalog(CatalogShape(tracks=3))))

    def gateway(request: httpx.Request) -> httpx.Response:
        assert request.headers["content-type"] == "application/x-ndjson"
        sent = [orjson.loads(raw) for raw in request.content.splitlines()]
        answers: list[dict[str, Any]] = [
            {"line": n, "status": 422 if line["command"] == "album" else 202, "error": {}}
            for n, line in enumerate(sent, start=1)
        ]
        return httpx.Response(200, content=b"\n".join(orjson.dumps(a) for a in answers))

    sender = BatchSender("http://gw", "k", CATALOG_ROUTE, transport=httpx.MockTransport(gateway))
    answer = sender.send(lines)
    sender.close()
    albums = [line["album_id"] for line in lines if line["command"] == "album"]
    assert answer.accepted == len(lines) - len(albums)
    assert answer.failures == [f"album {album}: 422 " for album in albums]
