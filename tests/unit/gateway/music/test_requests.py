"""The music request models hold the records' bounds, and the figures' SQL
and shaping."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gateway.music.figures import royalties_sql, year_in_review, year_in_review_sql
from gateway.music.requests import PLAYS_MAX, PlaysRequest, SearchQuery
from gateway.music.writes import expected_version
from gateway.problems import Problem


def _play(i: int) -> dict[str, Any]:
    return {"listener": "ann", "track_id": f"t{i}", "started_at_ms": i, "kind": "started"}


def test_at_most_1000_plays_a_request() -> None:
    PlaysRequest.model_validate({"plays": [_play(i) for i in range(PLAYS_MAX)]})
    with pytest.raises(ValidationError) as exc:
        PlaysRequest.model_validate({"plays": [_play(i) for i in range(PLAYS_MAX + 1)]})
    assert exc.value.errors()[0]["loc"] == ("plays",)


@pytest.mark.parametrize("country", ["uk", "GBR", "G1", ""])
def test_a_country_is_iso_alpha_2(country: str) -> None:
    with pytest.raises(ValidationError):
        PlaysRequest.model_validate({"plays": [{**_play(1), "country": country}]})


def test_search_kinds_are_a_comma_list_of_known_kinds() -> None:
    assert SearchQuery.model_validate({"q": "a", "kind": "track,album"}).kind == "track,album"
    with pytest.raises(ValidationError):
        SearchQuery.model_validate({"q": "a", "kind": "track,user"})


def test_if_match_is_a_version() -> None:
    assert expected_version(None) is None
    assert [expected_version(v) for v in ('"3"', "3", 'W/"12"')] == [3, 3, 12]
    for bad in ('"x"', "-1", '"1.5"', "*"):
        with pytest.raises(Problem):
            expected_version(bad)


def test_the_figures_sql_names_the_views() -> None:
    assert "music_royalties_monthly" in royalties_sql("a1", "2026-11")
    assert "month = '2026-11'" in royalties_sql("a1", "2026-11")
    assert "year = 2026" in year_in_review_sql("ann", 2026)


def test_a_year_in_review_keeps_the_top_five_of_each_kind() -> None:
    rows = [{"kind": "artist", "item": f"a{i}", "streams": 10 - i, "minutes": 1} for i in range(7)]
    rows += [{"kind": "total", "item": "", "streams": 70, "minutes": 200}]
    review = year_in_review(rows)
    assert [a["id"] for a in review["artists"]] == ["a0", "a1", "a2", "a3", "a4"]
    assert (review["streams"], review["minutes"], review["tracks"]) == (70, 200, [])
