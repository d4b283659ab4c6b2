"""The deployment system's principal: the services a key deploys."""

from __future__ import annotations

from gateway.principal import Principal

SERVICE = Principal(
    kind="service",
    field="service",
    operator_scope="deploy:operator",
    several_per_key=True,
    key_file_field="services",
)
