"""The topic catalog: every topic of all five domains, in one place.

Each entry says what key orders the topic, how many partitions it has, how long
it keeps records, and which record types may appear on it. `infra` creates
these topics; agents and projectors look their names up here, never spell them.

Topics that one agent consumes together share key and partition count
(co-partitioned), so one partition of each holds the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass

FOREVER = -1


@dataclass(frozen=True)
class TopicSpec:
    name: str
    domain: str
    key: str
    record_types: tuple[str, ...]
    partitions: int | None = None  # None: the platform default (ONELOG_PARTITIONS)
    retention_ms: int = FOREVER
    compacted: bool = False
    has_dlq: bool = True

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"


def _exchange(name: str) -> str:
    return f"onelog.exchange.{name}"


SCHEMAS = TopicSpec(
    name="_schemas",
    domain="platform",
    key="fingerprint (hex of CRC-64-AVRO)",
    record_types=(),
    partitions=1,
    compacted=True,
    has_dlq=False,
)

EXCHANGE_COMMANDS = TopicSpec(
    "exchange.commands",
    "exchange",
    key="account_id",
    record_types=tuple(
        _exchange(n)
        for n in ("DepositCash", "WithdrawCash", "TransferShares", "PlaceOrder", "CancelOrder")
    ),
)
EXCHANGE_ADMIN = TopicSpec(
    "exchange.admin",
    "exchange",
    key="symbol",
    record_types=tuple(_exchange(n) for n in ("ListInstrument", "HaltSymbol", "ResumeSymbol")),
)
# Risk's decisions that matching must act on, routed by symbol.
EXCHANGE_ORDERS = TopicSpec(
    "exchange.orders",
    "exchange",
    key="symbol",
    record_types=tuple(_exchange(n) for n in ("OrderAccepted", "CancelRequested")),
)
# Matching's facts, each with the symbol's sequence number.
EXCHANGE_MARKET = TopicSpec(
    "exchange.market",
    "exchange",
    key="symbol",
    record_types=tuple(
        _exchange(n)
        for n in (
            "InstrumentListed",
            "TradingHalted",
            "TradingResumed",
            "OrderRested",
            "TradeExecuted",
            "OrderCancelled",
            "OrderExpired",
            "OrderRejected",
            "CancelRejected",
            "AdminRejected",
        )
    ),
)
# Matching's facts routed back to the accounts they settle against.
EXCHANGE_FILLS = TopicSpec(
    "exchange.fills",
    "exchange",
    key="account_id",
    record_types=tuple(_exchange(n) for n in ("OrderFilled", "OrderClosed")),
)
# The account stage's facts: balances and what risk refused.
EXCHANGE_ACCOUNTS = TopicSpec(
    "exchange.accounts",
    "exchange",
    key="account_id",
    record_types=tuple(_exchange(n) for n in ("BalanceChanged", "CommandRejected")),
)


def _changelog(stage: str, domain: str, state_key: str) -> TopicSpec:
    """A deciding stage's state as small parts (streams/state_log.py), each on
    the partition number of the input that changed it; read only by the stage
    engine (streams/engine), never by projections."""
    return TopicSpec(
        f"{stage}.changelog",
        domain,
        key=f"[{state_key}, part] as JSON",
        record_types=(),
        compacted=True,
        has_dlq=False,
    )


EXCHANGE_ACCOUNT_CHANGELOG = _changelog("exchange.account-stage", "exchange", "account_id")
EXCHANGE_MATCHING_CHANGELOG = _changelog("exchange.matching-stage", "exchange", "symbol")
STAGE_CHANGELOGS = (EXCHANGE_ACCOUNT_CHANGELOG, EXCHANGE_MATCHING_CHANGELOG)

# How a changelog is compacted, chosen so that a worker taking a partition
# reads little more than the live parts. Kafka never cleans the active
# segment, and cleans a partition only once dirty (uncleaned) bytes reach
# min.cleanable.dirty.ratio of it; each setting shortens what stays dirty.
CHANGELOG_CONFIG = {
    "cleanup.policy": "compact",
    # Small segments, rolled at least each minute: at most ~8 MiB (about
    # 80,000 parts) of a partition waits in its active segment.
    "segment.bytes": str(8 * 1024 * 1024),
    "segment.ms": "60000",
    # Clean once a tenth is dirty (Kafka's default, half, lets a recovery
    # read twice the live parts); the cleaner's extra work is a rewrite of
    # small segments.
    "min.cleanable.dirty.ratio": "0.1",
    # A tombstone (an order that left the book) survives 5 minutes after its
    # segment is cleaned, then goes; Kafka's day would keep every order of a
    # busy day for recoveries to read. A recovery reads a partition in
    # seconds, far inside this window, so none misses a tombstone whose
    # value it has read.
    "delete.retention.ms": "300000",
}


def _judge(*names: str) -> tuple[str, ...]:
    return tuple(f"onelog.judge.{n}" for n in names)


# Authors' problems, every revision kept.
JUDGE_PROBLEMS = TopicSpec(
    "judge.problems", "judge", key="problem_id", record_types=_judge("ProblemPublished")
)
# Learners' commands by user, so one learner's progress is decided in order.
JUDGE_COMMANDS = TopicSpec(
    "judge.commands",
    "judge",
    key="user_id",
    record_types=_judge("RunCode", "SubmitSolution", "MarkProgress"),
)
# The judge's facts, co-partitioned with the commands they answer.
JUDGE_EVENTS = TopicSpec(
    "judge.events",
    "judge",
    key="user_id",
    record_types=_judge("SubmissionCompiled", "TestJudged", "SubmissionJudged", "ProgressMarked"),
)

# The other three domains' topics are named here so that infra creates them and
# keys are fixed early; their record types arrive with their issues.
DEPLOY_COMMANDS = TopicSpec("deploy.commands", "deploy", key="service", record_types=())
DEPLOY_EVENTS = TopicSpec("deploy.events", "deploy", key="service", record_types=())
DEPLOY_REGION_COMMANDS = TopicSpec(
    "deploy.region-commands", "deploy", key="region", record_types=()
)
DEPLOY_REGION_EVENTS = TopicSpec("deploy.region-events", "deploy", key="region", record_types=())
FEED_COMMANDS = TopicSpec("feed.commands", "feed", key="author_id", record_types=())
FEED_EVENTS = TopicSpec("feed.events", "feed", key="author_id", record_types=())
FEED_TIMELINES = TopicSpec("feed.timelines", "feed", key="member_id", record_types=())
MUSIC_COMMANDS = TopicSpec("music.commands", "music", key="listener_id", record_types=())
MUSIC_PLAYLISTS = TopicSpec("music.playlists", "music", key="playlist_id", record_types=())
MUSIC_EVENTS = TopicSpec("music.events", "music", key="listener_id", record_types=())

CATALOG: tuple[TopicSpec, ...] = (
    SCHEMAS,
    EXCHANGE_COMMANDS,
    EXCHANGE_ADMIN,
    EXCHANGE_ORDERS,
    EXCHANGE_MARKET,
    EXCHANGE_FILLS,
    EXCHANGE_ACCOUNTS,
    JUDGE_PROBLEMS,
    JUDGE_COMMANDS,
    JUDGE_EVENTS,
    DEPLOY_COMMANDS,
    DEPLOY_EVENTS,
    DEPLOY_REGION_COMMANDS,
    DEPLOY_REGION_EVENTS,
    FEED_COMMANDS,
    FEED_EVENTS,
    FEED_TIMELINES,
    MUSIC_COMMANDS,
    MUSIC_PLAYLISTS,
    MUSIC_EVENTS,
)

EXCHANGE_TOPICS = tuple(t for t in CATALOG if t.domain == "exchange")


_TOPIC_OF_RECORD: dict[str, TopicSpec] = {
    record_type: spec for spec in CATALOG for record_type in spec.record_types
}


def topic_of(schema_name: str) -> TopicSpec:
    """The one topic a record type is written to."""
    return _TOPIC_OF_RECORD[schema_name]
