"""The history of one playlist, told from its records on the log: each
command (who asked what, when, at which expected version) followed by what
the playlist stage decided of it (the change and the version after it, or
the refusal and why), and where the playlist stands at the end.

Pure: given the playlist records (decoded, with where they sit on the log),
it keeps those of the playlist and sums them up. Reading the log is
audit_command.py's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from onelog.logged import Logged
from schemas.envelope import Record
from schemas.music import playlists as p
from streams.music.playlist_rejections import PlaylistRejection, explain

# A change names this many of its tracks or items; --json has them all.
NAMED_AT_MOST = 3


@dataclass(frozen=True)
class HistoryLine:
    time: str
    recorded_at: int
    record_type: str
    topic: str
    partition: int
    offset: int
    # Who acted (a command's actor, a follower), "" for none.
    actor: str
    # The playlist's version after a fact; None on a command.
    version: int | None
    text: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Rejection:
    time: str
    command: str
    actor: str
    reason: str
    why: str


@dataclass
class PlaylistHistory:
    playlist_id: str
    owner: str = ""
    name: str = ""
    visibility: str = ""
    created: str = ""  # when, or "" if no PlaylistCreated names it
    version: int = 0
    items: int = 0
    added: int = 0
    removed: int = 0
    moves: int = 0
    followers: int = 0
    collaborators: list[str] = field(default_factory=list)
    share_links: int = 0
    commands: int = 0
    changes: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    lines: list[HistoryLine] = field(default_factory=list)


def _time_us(us: int) -> str:
    return datetime.fromtimestamp(us / 1_000_000, UTC).isoformat(timespec="milliseconds")


def _named(ids: list[str]) -> str:
    shown = ", ".join(ids[:NAMED_AT_MOST])
    return shown + (f" and {len(ids) - NAMED_AT_MOST} more" if len(ids) > NAMED_AT_MOST else "")


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _after(item: str | None) -> str:
    return f"after {item}" if item else "first"


def _asked(record: Record) -> str:
    """What a command asks, said after its actor."""
    match record:
        case p.CreatePlaylist():
            return f'create "{record.name}" ({record.visibility})'
        case p.RenamePlaylist():
            return f'rename it "{record.name}"'
        case p.DescribePlaylist():
            return f"describe it ({len(record.description)} characters)"
        case p.AddTracks():
            tracks = [item.track_id for item in record.items]
            unknown = sum(1 for item in record.items if item.duration_ms is None)
            note = f" ({unknown} not in the gateway's catalog)" if unknown else ""
            added = _count(len(tracks), "track")
            return f"add {added} {_after(record.after_item)}: {_named(tracks)}{note}"
        case p.RemoveTracks():
            return f"remove {_count(len(record.item_ids), 'item')}: {_named(record.item_ids)}"
        case p.MoveTracks():
            ids = record.item_ids
            return f"move {_count(len(ids), 'item')} {_after(record.after_item)}: {_named(ids)}"
        case p.SetPlaylistVisibility():
            return f"make it {record.visibility}"
        case p.CreateShareLink():
            return f"a share link ({record.token_id})"
        case p.FollowPlaylist():
            return "follow it" + (" by a share link" if record.token_id else "")
        case p.UnfollowPlaylist():
            return "unfollow it"
        case p.AddCollaborator():
            return f"add {record.collaborator} as a collaborator"
        case p.RemoveCollaborator():
            return f"remove {record.collaborator} as a collaborator"
    return type(record).__name__


def describe(record: Record) -> str:
    """One line for a person: what the record says that matters."""
    if isinstance(record, p.PLAYLIST_COMMANDS):
        expected = getattr(record, "expected_version", None)
        condition = f" (if at version {expected})" if expected is not None else ""
        return f"{getattr(record, 'actor', '?')} asks to {_asked(record)}{condition}"
    match record:
        case p.PlaylistCreated():
            return f'created by {record.owner}: "{record.name}", {record.visibility}'
        case p.PlaylistRenamed():
            return f'renamed "{record.name}" by {record.actor}'
        case p.PlaylistDescribed():
            return f"description changed by {record.actor}"
        case p.TracksAdded():
            tracks = [item.track_id for item in record.items]
            after = _after(record.after_item)
            added = _count(len(tracks), "track")
            return f"{added} added by {record.actor} {after}: {_named(tracks)}"
        case p.TracksRemoved():
            return f"{_count(len(record.item_ids), 'item')} removed by {record.actor}"
        case p.TracksMoved():
            after = _after(record.after_item)
            return f"{_count(len(record.item_ids), 'item')} moved by {record.actor} {after}"
        case p.PlaylistVisibilityChanged():
            return f"made {record.visibility} by {record.actor}"
        case p.ShareLinkCreated():
            return f"share link {record.token_id} created by {record.actor}"
        case p.PlaylistFollowed():
            return f"followed by {record.listener} ({_count(record.followers, 'follower')})"
        case p.PlaylistUnfollowed():
            return f"unfollowed by {record.listener} ({_count(record.followers, 'follower')})"
        case p.CollaboratorAdded():
            return f"{record.collaborator} made a collaborator by {record.actor}"
        case p.CollaboratorRemoved():
            return f"{record.collaborator} no longer a collaborator ({record.actor})"
        case p.PlaylistCommandRejected():
            why = explain(PlaylistRejection(record.reason))
            return f"{record.command} by {record.actor} refused: {record.reason} ({why})"
    return type(record).__name__


def _actor(record: Record) -> str:
    for name in ("actor", "owner", "listener"):
        value = getattr(record, name, None)
        if isinstance(value, str):
            return value
    return ""


def _learn(history: PlaylistHistory, record: Record, when: str) -> None:
    if isinstance(record, p.PLAYLIST_COMMANDS):
        history.commands += 1
        return
    if isinstance(record, p.PlaylistCommandRejected):
        why = explain(PlaylistRejection(record.reason))
        history.rejections.append(Rejection(when, record.command, record.actor, record.reason, why))
        return
    history.changes += 1
    history.version = max(history.version, getattr(record, "version", 0))
    match record:
        case p.PlaylistCreated():
            history.owner, history.name = record.owner, record.name
            history.visibility, history.created = record.visibility, when
        case p.PlaylistRenamed():
            history.name = record.name
        case p.TracksAdded():
            history.added += len(record.items)
        case p.TracksRemoved():
            history.removed += len(record.item_ids)
        case p.TracksMoved():
            history.moves += 1
        case p.PlaylistVisibilityChanged():
            history.visibility = record.visibility
        case p.ShareLinkCreated():
            history.share_links += 1
        case p.PlaylistFollowed() | p.PlaylistUnfollowed():
            history.followers = record.followers
        case p.CollaboratorAdded():
            history.collaborators = sorted({*history.collaborators, record.collaborator})
        case p.CollaboratorRemoved():
            history.collaborators = [c for c in history.collaborators if c != record.collaborator]
    history.items = history.added - history.removed


def playlist_history(playlist_id: str, logged: Iterable[Logged]) -> PlaylistHistory:
    """Every record of the playlist, each command followed by what was
    decided of it, summed up."""
    mine = [item for item in logged if getattr(item.record, "playlist_id", None) == playlist_id]
    commands = {
        item.record.envelope.event_id: item
        for item in mine
        if isinstance(item.record, p.PLAYLIST_COMMANDS)
    }

    # The stage decides the commands in their order on the log (one
    # partition per playlist), which their recorded times need not follow
    # (two gateway processes, two clocks): a command's time here is the
    # latest recorded at or before its place, so they are told as decided.
    logged_at: dict[str, int] = {}
    for item in sorted(commands.values(), key=lambda c: (c.partition, c.offset)):
        latest = max(logged_at.values(), default=0)
        logged_at[item.record.envelope.event_id] = max(latest, item.record.envelope.recorded_at)

    def order(item: Logged) -> tuple[int, int, int, int, int]:
        """A command by its time on the log, then its place there; a fact
        right after the command that caused it; a fact whose command is not
        on the log, by its time."""
        envelope = item.record.envelope
        cause = commands.get(envelope.causation_id or "")
        if envelope.event_id in commands:
            return (logged_at[envelope.event_id], item.partition, item.offset, 0, 0)
        if cause is None:
            return (envelope.recorded_at, item.partition, item.offset, 0, 0)
        at = logged_at[cause.record.envelope.event_id]
        return (at, cause.partition, cause.offset, 1, item.offset)

    history = PlaylistHistory(playlist_id)
    for item in sorted(mine, key=order):
        record = item.record
        when = _time_us(record.envelope.recorded_at)
        _learn(history, record, when)
        is_command = isinstance(record, p.PLAYLIST_COMMANDS)
        history.lines.append(
            HistoryLine(
                time=when,
                recorded_at=record.envelope.recorded_at,
                record_type=type(record).__name__,
                topic=item.topic,
                partition=item.partition,
                offset=item.offset,
                actor=_actor(record),
                version=None if is_command else getattr(record, "version", None),
                text=describe(record),
                fields=record.model_dump(mode="json", exclude={"envelope"}),
            )
        )
    return history


def history_text(history: PlaylistHistory) -> str:
    head = [
        f'playlist {history.playlist_id} "{history.name}" by {history.owner or "?"}'
        + (f" ({history.visibility}), version {history.version}" if history.created else "")
    ]
    if history.created:
        head.append(f"created:       {history.created}")
    else:
        head.append("created:       not (no PlaylistCreated on the log)")
    head.append(
        f"items:         {history.items} (added {history.added}, removed {history.removed}),"
        f" {history.moves} moves"
    )
    head.append(f"collaborators: {', '.join(history.collaborators) or 'none'}")
    head.append(f"followers:     {history.followers}; share links: {history.share_links}")
    head.append(
        f"log:           {history.commands} commands, {history.changes} changes,"
        f" {len(history.rejections)} refused"
    )
    head += [
        f"refused:       {r.time} {r.command} by {r.actor}: {r.reason} ({r.why})"
        for r in history.rejections
    ]
    body = [
        f"{line.time}  {'v' + str(line.version) if line.version is not None else '':>6}  "
        f"{line.record_type:26} {line.text}"
        for line in history.lines
    ]
    return "\n".join([*head, "", *body])
