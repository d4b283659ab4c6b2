"""Each domain declares its records and topics once (schemas/domain.py), and
the registry and the topic catalog walk those declarations."""

from __future__ import annotations

from infra.topics import CATALOG, topic_of
from schemas.domain import schema_domains
from schemas.registry import ALL_MODELS


def test_every_record_is_written_to_one_topic_of_its_own_domain() -> None:
    for domain in schema_domains():
        for model in domain.records:
            assert topic_of(model.schema_name) in domain.topics, model.__name__
    carried = [name for spec in CATALOG for name in spec.record_types]
    assert sorted(carried) == sorted(model.schema_name for model in ALL_MODELS)


def test_a_domain_declares_only_its_own_topics_and_history() -> None:
    for domain in schema_domains():
        assert {spec.domain for spec in domain.topics + domain.changelogs} == {domain.name}
        assert domain.history.is_dir()
        assert all(p.name.startswith(f"onelog.{domain.name}.") for p in domain.history.iterdir())
