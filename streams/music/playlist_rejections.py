"""Why the playlist stage refuses a command: the reason PlaylistCommandRejected
carries.

A value is the code a machine matches on; `explain` is the sentence a person
reads (the gateway and `onelog audit playlist` show it).
"""

from __future__ import annotations

from enum import StrEnum


class PlaylistRejection(StrEnum):
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    VERSION_CONFLICT = "version_conflict"
    UNKNOWN_TRACK = "unknown_track"
    UNKNOWN_ITEM = "unknown_item"
    TOO_MANY_ITEMS = "too_many_items"
    ALREADY_EXISTS = "already_exists"


_EXPLANATIONS = {
    PlaylistRejection.NOT_FOUND: "no playlist has this id",
    PlaylistRejection.NOT_ALLOWED: "the listener may not do this to this playlist",
    PlaylistRejection.VERSION_CONFLICT: "the playlist changed since the version the request names",
    PlaylistRejection.UNKNOWN_TRACK: "the catalog has no track with this id",
    PlaylistRejection.UNKNOWN_ITEM: "the playlist never had an item with this id",
    PlaylistRejection.TOO_MANY_ITEMS: "a playlist holds at most 10,000 items",
    PlaylistRejection.ALREADY_EXISTS: "a playlist, item or share link with this id exists",
}


def explain(reason: PlaylistRejection) -> str:
    """The sentence a person reads for `reason`."""
    return _EXPLANATIONS[reason]
