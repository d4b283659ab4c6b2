"""Every schema version ever written, kept in schemas/<domain>/history/<name>.v<N>.avsc.

Run `python -m schemas.history` after adding a record type or bumping a
version: it writes the current schemas that are missing. A test then holds
each current schema equal to its file and proves that records written with
every older version still read with the current one.
"""

from __future__ import annotations

import json
from pathlib import Path

from schemas.avro import AvroSchema, avro_schema
from schemas.domain import SchemaDomain, schema_domains
from schemas.envelope import Record


def history_path(model: type[Record], version: int | None = None) -> Path:
    return (
        _domain_of(model).history / f"{model.schema_name}.v{version or model.schema_version}.avsc"
    )


def history_files() -> list[Path]:
    """Every recorded schema version of every domain, in name order."""
    return sorted(
        (path for domain in schema_domains() for path in domain.history.glob("*.avsc")),
        key=lambda path: path.name,
    )


def _domain_of(model: type[Record]) -> SchemaDomain:
    return next(domain for domain in schema_domains() if model in domain.records)


def load(path: Path) -> AvroSchema:
    schema: AvroSchema = json.loads(path.read_text())
    return schema


def write_missing() -> list[Path]:
    written = []
    for domain in schema_domains():
        domain.history.mkdir(exist_ok=True)
        for model in domain.records:
            path = history_path(model)
            if path.exists():
                continue
            path.write_text(json.dumps(avro_schema(model), indent=2, sort_keys=True) + "\n")
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write_missing():
        print(f"wrote {path}")
