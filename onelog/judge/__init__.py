"""The judge in the `onelog` command: its toolchains (installed before `up`
and `test`), its problems (published by `up`, which waits until the read
model shows them), its sample submission and the learner a key acts as
(`keys --learner`), and the Redis writer of its agent's live progress."""

from __future__ import annotations

from gateway.judge.principal import LEARNER
from onelog.domain import CliDomain, KeyOption
from onelog.judge.problem_catalog import publish_on_up, wait_for_catalog
from onelog.judge.samples import judge_curl
from onelog.judge.toolchains import main as install_toolchains
from projections.judge.live_progress import RedisLiveProgress
from streams.judge.agents import LIVE_PROGRESS

CLI = CliDomain(
    "judge",
    samples=lambda gateway_url, key: {"judge_curl": judge_curl(gateway_url, key)},
    key_options=(KeyOption(LEARNER, "the judge learner (user_id) the key acts as"),),
    install=install_toolchains,
    publish=publish_on_up,
    wait_published=wait_for_catalog,
    plugs=lambda settings: {
        LIVE_PROGRESS: RedisLiveProgress(settings.redis_url, settings.namespace)
    },
)
