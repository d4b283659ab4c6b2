"""Every schema version ever written, kept in schemas/history/<name>.v<N>.avsc.

Run `python -m schemas.history` after adding a record type or bumping a
version: it writes the current schemas that are missing. A test then holds
each current schema equal to its file and proves that records written with
every older version still read with the current one.
"""

from __future__ import annotations

import json
from pathlib import Path

from schemas.avro import AvroSchema, avro_schema
from schemas.envelope import Record
from schemas.registry import ALL_MODELS, HISTORY_DIR


def history_path(model: type[Record], version: int | None = None) -> Path:
    return HISTORY_DIR / f"{model.schema_name}.v{version or model.schema_version}.avsc"


def load(path: Path) -> AvroSchema:
    schema: AvroSchema = json.loads(path.read_text())
    return schema


def write_missing() -> list[Path]:
    HISTORY_DIR.mkdir(exist_ok=True)
    written = []
    for model in ALL_MODELS:
        path = history_path(model)
        if not path.exists():
            path.write_text(json.dumps(avro_schema(model), indent=2, sort_keys=True) + "\n")
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write_missing():
        print(f"wrote {path}")
