"""The music service in the `onelog` command: the listeners a key acts for
(`keys --listener`), the generated catalog's and plays' loaders
(`music load-catalog`, `music load-plays`), a playlist's history
(`audit playlist`), the weekly discovery tick (`music recompute-discovery`),
and the sample catalog and requests of `up`."""

from __future__ import annotations

from gateway.music.principal import LISTENER
from onelog.domain import CliDomain, KeyOption
from onelog.music.audit_command import AUDIT_PLAYLIST
from onelog.music.discovery_command import RECOMPUTE_DISCOVERY
from onelog.music.load_commands import LOAD_CATALOG, LOAD_PLAYS
from onelog.music.plugs import music_plugs
from onelog.music.sample_catalog import publish_sample_catalog, wait_for_sample_catalog
from onelog.music.samples import music_samples
from onelog.music.search_command import VERIFY_SEARCH
from onelog.music.services import music_services

CLI = CliDomain(
    "music",
    key_options=(KeyOption(LISTENER, "a listener the key acts for (repeat for more)"),),
    default_key_scopes=("music:read", "music:write"),
    services=music_services,
    plugs=music_plugs,
    commands=(VERIFY_SEARCH, LOAD_CATALOG, LOAD_PLAYS, RECOMPUTE_DISCOVERY),
    audits=(AUDIT_PLAYLIST,),
    samples=music_samples,
    publish=publish_sample_catalog,
    wait_published=wait_for_sample_catalog,
)
