"""The deployment system in the `onelog` command."""

from __future__ import annotations

from onelog.domain import CliDomain

CLI = CliDomain("deploy")
