"""The orchestrator's state on its changelog: the parts `touched` names after
each record, kept as a compacted topic keeps them, restore a state that
hashes and decides exactly as the live one; replay gives the same bytes; and
every fact it writes holds to its record's model."""

from __future__ import annotations

import random

import pytest

from schemas.deploy.records import (
    AbortDeployment,
    ApproveDeployment,
    PauseDeployment,
    RegisterHost,
    ResumeDeployment,
    RetireHost,
    RollBackDeployment,
)
from schemas.envelope import Record
from streams.deploy.orchestrator import decide, new_state
from streams.deploy.orchestrator_log import OrchestratorLog
from streams.records import encoded_facts, fact_record
from tests.unit.streams.deploy.orchestrator_driver import REGIONS, Driver

LOG = OrchestratorLog()


def _random_session(seed: int, steps: int = 120) -> Driver:
    """A service driven by a random mix of every command, report and tick."""
    rng = random.Random(seed)
    d = Driver(per_region=rng.choice([1, 2]))
    for n in range(1, 4):
        d.release(f"r{n}", f"{n}.0", n)
    deployments = 0
    for _ in range(steps):
        roll = rng.random()
        dep = f"d{rng.randint(1, max(deployments, 1))}"
        pending = d.pending()
        if roll < 0.12:
            deployments += 1
            d.start(
                f"d{deployments}", f"r{rng.randint(1, 4)}", actor=rng.choice(["ann", "bob"]),
                max_unavailable=rng.randint(1, 3), canary=rng.random() < 0.8,
                approval_after_canary=rng.random() < 0.3, bake_ms=rng.choice([0, 2_000]),
                max_failed_percent=rng.choice([0, 50]), host_timeout_ms=5_000,
            )  # fmt: skip
        elif roll < 0.45 and pending:
            d.succeed(rng.choice(pending))
        elif roll < 0.55 and pending:
            host = rng.choice(pending)
            kind, _ = d.instructions[host]
            d.report(
                host, "rolled_back" if kind.__name__ == "RestoreRelease" else "healthy", ok=False
            )
        elif roll < 0.7:
            d.tick(rng.choice([500, 3_000, 6_000]))
        elif roll < 0.76:
            d.send(ApproveDeployment, deployment_id=dep, wave=rng.randint(0, 3), actor="carol")
        elif roll < 0.82:
            d.send(rng.choice([PauseDeployment, ResumeDeployment]), deployment_id=dep, actor="o")
        elif roll < 0.87:
            d.send(rng.choice([AbortDeployment, RollBackDeployment]), deployment_id=dep, actor="o")
        elif roll < 0.93:
            region = rng.choice(REGIONS)
            ref = {"region": region, "host_id": f"{region}-x{rng.randint(0, 3)}"}
            d.send(RegisterHost, host=ref, actor="o")
        else:
            d.send(RetireHost, host_id=rng.choice(sorted(d.state.hosts) or ["none"]), actor="o")
    return d


@pytest.mark.parametrize("seed", range(40))
def test_the_changelog_restores_a_state_that_decides_the_same(seed: int) -> None:
    d = _random_session(seed)
    live = new_state(d.service)
    changelog: dict[str, bytes] = {}
    for i, record in enumerate(d.records):
        facts = decide(live, record)
        for sub_key in LOG.touched(live, record, facts):
            value = LOG.entry(live, sub_key)
            if value is None:
                changelog.pop(sub_key, None)
            else:
                changelog[sub_key] = value
        if i % 7 == 0 or i == len(d.records) - 1:
            restored = LOG.restore(d.service, changelog)
            assert restored.state_hash() == live.state_hash(), f"after record {i}"
            assert LOG.parts(live) == changelog, f"after record {i}"
    # The restored state goes on deciding exactly as the live one.
    restored = LOG.restore(d.service, changelog)
    tail = _random_session(seed + 1000, steps=60).records
    for record in tail:
        assert decide(restored, record) == decide(live, record)
    assert restored.state_hash() == live.state_hash()


def _replayed(records: list[Record]) -> list[tuple[str, bytes, bytes]]:
    state = new_state("shop")
    out: list[tuple[str, bytes, bytes]] = []
    for record in records:
        out += encoded_facts(decide(state, record), record, "deploy.orchestrator")
    return out


@pytest.mark.parametrize("seed", range(5))
def test_replay_gives_the_same_facts_byte_for_byte(seed: int) -> None:
    d = _random_session(seed)
    first = _replayed(d.records)
    assert first == _replayed(d.records)
    assert len(first) == len(d.log)


def test_every_fact_holds_to_its_model() -> None:
    seen: set[str] = set()
    for seed in range(30):
        d = _random_session(seed)
        state = new_state(d.service)
        for record in d.records:
            for fact in decide(state, record):
                model, payload = fact
                assert set(payload) == set(model.model_fields) - {"envelope"}, model.__name__
                fact_record(fact, record, 0, "test")  # validates every value
                seen.add(model.__name__)
    assert seen >= {
        "DeploymentStarted", "InstallRelease", "HostUpdated", "HostFailed", "RollbackStarted",
        "RestoreRelease", "HostRestored", "DeploymentRolledBack", "DeploymentSucceeded",
        "CommandRejected", "GateReached", "WaveCompleted", "HostsChanged", "DeploymentQueued",
    }  # fmt: skip


def test_an_empty_changelog_is_a_new_service() -> None:
    assert LOG.restore("shop", {}).state_hash() == new_state("shop").state_hash()


def test_an_unknown_part_is_refused() -> None:
    with pytest.raises(ValueError, match="no part"):
        LOG.restore("shop", {"nonsense": b"1"})
