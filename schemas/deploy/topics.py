"""The deployment system's topics. Everything the orchestrator reads or writes
about a service is keyed by `service`, so one service's deployments are
decided in order on one partition; the instructions to region agents are
keyed by `region`, so each agent reads its own region's in order."""

from __future__ import annotations

from schemas.deploy.records import BUILDS, CLOCK, COMMANDS, FACTS, HOST_STEPS, INSTRUCTIONS
from schemas.topic_spec import TopicSpec, changelog, schema_names

# Engineers' commands: releases, deployments, hosts.
DEPLOY_COMMANDS = TopicSpec(
    "deploy.commands", "deploy", key="service", record_types=schema_names(COMMANDS)
)
# Builds from git: the request and the builder's outcome.
DEPLOY_BUILDS = TopicSpec(
    "deploy.builds", "deploy", key="service", record_types=schema_names(BUILDS)
)
# Time for services with an active deployment, written by the clock process.
DEPLOY_CLOCK = TopicSpec("deploy.clock", "deploy", key="service", record_types=schema_names(CLOCK))
# What region agents did for each host, back to the service's orchestrator.
DEPLOY_HOST_STEPS = TopicSpec(
    "deploy.host-steps", "deploy", key="service", record_types=schema_names(HOST_STEPS)
)
# The orchestrator's instructions to the region agents.
DEPLOY_INSTRUCTIONS = TopicSpec(
    "deploy.instructions", "deploy", key="region", record_types=schema_names(INSTRUCTIONS)
)
# The orchestrator's facts.
DEPLOY_FACTS = TopicSpec("deploy.facts", "deploy", key="service", record_types=schema_names(FACTS))

DEPLOY_ORCHESTRATOR_CHANGELOG = changelog("deploy.orchestrator", "deploy", "service")

DEPLOY_TOPICS = (
    DEPLOY_COMMANDS,
    DEPLOY_BUILDS,
    DEPLOY_CLOCK,
    DEPLOY_HOST_STEPS,
    DEPLOY_INSTRUCTIONS,
    DEPLOY_FACTS,
)
DEPLOY_CHANGELOGS = (DEPLOY_ORCHESTRATOR_CHANGELOG,)
