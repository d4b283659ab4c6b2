"""Where the deployment system keeps its files and listens, read from
ONELOG_DEPLOY_* variables beside the platform's settings.

Everything lives under one folder (`deploy_dir`, by default the platform's
state folder + /deploy): the blob store the origin serves, the signing key,
each region's cache and its hosts' folders. Every listener is on loopback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from infra.settings import Settings

DEFAULT_REGIONS = ("us-east", "us-west", "eu-west", "eu-central", "ap-south")


@dataclass(frozen=True)
class DeploySettings:
    deploy_dir: Path
    host: str
    # The origin serves the blob store at http://host:origin_port/blobs/<sha256>.
    origin_port: int
    # Region i (0-based, in `regions` order) serves its cache on region_port + i.
    region_port: int
    regions: tuple[str, ...]
    # How often the clock writes the time for services with an active deployment.
    tick_ms: int

    @property
    def blob_dir(self) -> Path:
        return self.deploy_dir / "blobs"

    @property
    def origin_url(self) -> str:
        return f"http://{self.host}:{self.origin_port}"

    @property
    def signing_key_path(self) -> Path:
        """The ed25519 private key (PEM, mode 0600): the gateway and builder sign with it."""
        return self.deploy_dir / "signing" / "ed25519.pem"

    @property
    def public_key_path(self) -> Path:
        """The public half, which every region agent verifies with."""
        return self.deploy_dir / "signing" / "ed25519.pub.pem"

    def region_dir(self, region: str) -> Path:
        return self.deploy_dir / "regions" / region

    def region_cache_url(self, region: str) -> str:
        return f"http://{self.host}:{self.region_port + self.regions.index(region)}"

    def host_dir(self, region: str, host_id: str) -> Path:
        return self.region_dir(region) / "hosts" / host_id


def deploy_settings(settings: Settings) -> DeploySettings:
    def env(name: str, default: str) -> str:
        return os.environ.get(f"ONELOG_DEPLOY_{name}", default)

    regions = tuple(
        r.strip() for r in env("REGIONS", ",".join(DEFAULT_REGIONS)).split(",") if r.strip()
    )
    return DeploySettings(
        deploy_dir=Path(env("DIR", str(settings.state_dir / "deploy"))),
        host=env("HOST", "127.0.0.1"),
        origin_port=int(env("ORIGIN_PORT", "18090")),
        region_port=int(env("REGION_PORT", "18100")),
        regions=regions,
        tick_ms=int(env("TICK_MS", "500")),
    )
