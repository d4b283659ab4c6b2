"""The judge's principal: the one learner a key acts as."""

from __future__ import annotations

from gateway.principal import Principal

LEARNER = Principal(
    "learner",
    "user_id",
    "judge:operator",
    lambda key: frozenset((key.learner,)) if key.learner else frozenset(),
    several_per_key=False,
)
