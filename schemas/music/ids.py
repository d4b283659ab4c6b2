"""What names a thing in the music records: ids, countries and the namespace.

One id pattern for artists, albums, tracks and listeners (docs/music.md): no
`:`, so a catalog key `<kind>:<id>` splits back in two, and no `/`, which a
topic key joins fields with.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
# ISO 3166-1 alpha-2, upper case; "ZZ" (CLDR's "unknown region") when the
# producer cannot tell.
COUNTRY_PATTERN = r"^[A-Z]{2}$"
UNKNOWN_COUNTRY = "ZZ"

MusicId = Annotated[str, Field(pattern=ID_PATTERN)]
Country = Annotated[str, Field(pattern=COUNTRY_PATTERN)]
CatalogKind = Literal["artist", "album", "track"]

NAMESPACE = "onelog.music."


def catalog_id(kind: str, entry_id: str) -> str:
    """The key of a catalog entry on music.catalog: its kind and its id."""
    return f"{kind}:{entry_id}"
