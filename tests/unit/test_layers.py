"""Imports only go down: schemas and infra at the ground, then streams and
projections, then the gateway, then onelog/ on top (docs/architecture.md).

Every module of the six packages is parsed, not imported, so an import inside
a function counts as much as one at the top. bench/ and tests/ may import
anything and are not scanned.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The layers, lowest first. Packages of one rank never import each other, but
# infra (the ground's machinery) may use schemas (the ground's records).
RANK = {"schemas": 0, "infra": 0, "streams": 1, "projections": 1, "gateway": 2, "onelog": 3}
SAME_RANK_ALLOWED = {("infra", "schemas")}

# Learners' programs that the judge runs: data, in no layer.
NOT_CODE = (ROOT / "streams" / "judge" / "problems",)

# Imports that still run against the layers, each "module -> imported module".
# The list only shrinks: an entry that no longer occurs fails the test too, so
# whoever removes a violation removes its line here.
KNOWN_VIOLATIONS: frozenset[str] = frozenset()


def module_sources() -> dict[str, Path]:
    """Every module of the layered packages, by dotted name."""
    found: dict[str, Path] = {}
    for package in RANK:
        for path in sorted((ROOT / package).rglob("*.py")):
            if any(path.is_relative_to(folder) for folder in NOT_CODE):
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(source: str) -> set[str]:
    """The absolute imports in a module's source, wherever they sit. A call
    `domain_modules("<layer>")` with a literal imports that layer's domain
    packages (infra/domains.py), so it counts as an import of the layer."""
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Call) and (layer := _domain_modules_layer(node)):
            imported.add(layer)
    return imported


def _domain_modules_layer(call: ast.Call) -> str | None:
    """The layer named by `domain_modules("<layer>")`, if this call is one."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name != "domain_modules" or not call.args:
        return None
    layer = call.args[0]
    return layer.value if isinstance(layer, ast.Constant) and isinstance(layer.value, str) else None


def _package(module: str) -> str:
    return module.split(".")[0]


def goes_down(importer: str, imported: str) -> bool:
    """Whether `importer` may import `imported` (both dotted module names)."""
    low, high = _package(imported), _package(importer)
    if low == high or low not in RANK:
        return True
    if RANK[low] == RANK[high]:
        return (high, low) in SAME_RANK_ALLOWED
    return RANK[low] < RANK[high]


def violations(imports: Mapping[str, Iterable[str]]) -> set[str]:
    return {
        f"{importer} -> {imported}"
        for importer, targets in imports.items()
        for imported in targets
        if not goes_down(importer, imported)
    }


def package_cycle(imports: Mapping[str, Iterable[str]]) -> list[str]:
    """A cycle among the top-level packages (e.g. [a, b, a]), or [] if none."""
    edges: dict[str, set[str]] = {}
    for importer, targets in imports.items():
        for imported in targets:
            low, high = _package(imported), _package(importer)
            if low in RANK and low != high:
                edges.setdefault(high, set()).add(low)
    done: set[str] = set()

    def visit(package: str, path: list[str]) -> list[str]:
        if package in path:
            return [*path[path.index(package) :], package]
        if package in done:
            return []
        for nxt in sorted(edges.get(package, ())):
            if cycle := visit(nxt, [*path, package]):
                return cycle
        done.add(package)
        return []

    for package in sorted(edges):
        if cycle := visit(package, []):
            return cycle
    return []


def _scan() -> dict[str, set[str]]:
    return {name: imports_of(path.read_text()) for name, path in module_sources().items()}


def test_every_layer_is_scanned() -> None:
    scanned = {_package(name) for name in module_sources()}
    assert scanned == set(RANK)


def test_imports_only_go_down() -> None:
    found = violations(_scan())
    new = sorted(found - KNOWN_VIOLATIONS)
    gone = sorted(KNOWN_VIOLATIONS - found)
    assert not new, "imports against the layers:\n" + "\n".join(new)
    assert not gone, "no longer there, remove from KNOWN_VIOLATIONS:\n" + "\n".join(gone)


def test_no_import_cycle_between_packages() -> None:
    cycle = package_cycle(_scan())
    assert not cycle, "packages import each other: " + " -> ".join(cycle)


def test_the_rule_refuses_every_kind_of_upward_import() -> None:
    imports = {
        "infra.topic_admin": {"schemas.registry", "infra.topics"},
        "schemas.codec": {"infra.topics"},
        "streams.judge.agents": {"projections.judge.keys", "streams.sealing"},
        "projections.runner": {"streams.records", "infra", "gateway"},
        "gateway.writes": {"streams.sealing", "schemas.envelope", "onelog.platform"},
        "onelog.cli": {"gateway.auth", "projections.replay", "json"},
    }
    assert violations(imports) == {
        "schemas.codec -> infra.topics",
        "streams.judge.agents -> projections.judge.keys",
        "projections.runner -> streams.records",
        "projections.runner -> gateway",
        "gateway.writes -> onelog.platform",
    }
    assert package_cycle(imports) == ["gateway", "onelog", "gateway"]
    assert package_cycle({"onelog.cli": {"gateway.auth"}, "gateway.app": {"infra"}}) == []


def test_imports_are_found_inside_functions_and_through_the_domain_list() -> None:
    source = (
        "from __future__ import annotations\n"
        "import redis, gateway.auth as auth\n"
        "from . import sibling\n"
        "def f():\n"
        "    from projections.replay import replay\n"
        "    return domain_modules('gateway'), domains.domain_modules('streams')\n"
    )
    assert imports_of(source) == {
        "__future__",
        "redis",
        "gateway.auth",
        "projections.replay",
        "gateway",
        "streams",
    }
