"""The judge's topics: problems by problem_id; learners' commands and the
judge's facts by user_id, so a learner's progress is decided and projected in
the order it happened."""

from __future__ import annotations

from schemas.judge.records import AUTHOR_RECORDS, JUDGE_FACTS, LEARNER_COMMANDS
from schemas.topic_spec import TopicSpec, schema_names

# Authors' problems, every revision kept.
JUDGE_PROBLEMS = TopicSpec(
    "judge.problems", "judge", key="problem_id", record_types=schema_names(AUTHOR_RECORDS)
)
# Learners' commands by user, so one learner's progress is decided in order.
JUDGE_COMMANDS = TopicSpec(
    "judge.commands", "judge", key="user_id", record_types=schema_names(LEARNER_COMMANDS)
)
# The judge's facts, co-partitioned with the commands they answer.
JUDGE_EVENTS = TopicSpec(
    "judge.events", "judge", key="user_id", record_types=schema_names(JUDGE_FACTS)
)

JUDGE_TOPICS = (JUDGE_PROBLEMS, JUDGE_COMMANDS, JUDGE_EVENTS)
