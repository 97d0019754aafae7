"""The architecture's boundaries (DESIGN §2), read from the import statements of every module under analyzer/.

Every import counts, the ones inside functions too: a late import is a dependency all the same. The test fails
when the core imports rich, click, a renderer, the batch or the CLI; when ``model`` imports anything of the
project; when a library has a second importer (GitPython, radon); when a manifest parser imports another parser\n(only the shared readers of ``analyzer.manifests._read``); and when an import cycle appears.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analyzer"
CORE = (
    "analyzer.target",
    "analyzer.inventory",
    "analyzer.knowledge",
    "analyzer.manifests",
    "analyzer.facts",
    "analyzer.judgement",
    "analyzer.compare",
    "analyzer.engine",
    "analyzer.model",
    "analyzer.errors",
    "analyzer.config",
)
"""The stages and their records: they never print, exit, or know how a report looks."""
PRESENTATION = ("analyzer.cli", "analyzer.reports")
ONE_IMPORTER = {"git": "analyzer.target.git", "radon": "analyzer.facts.effort"}
"""Third-party libraries that one adapter module wraps for the whole project."""
READERS = "analyzer.manifests._read"
"""The manifest parsers' shared readers: a parser imports these, the records and the errors, never another parser."""
PARSER_MAY_IMPORT = ("analyzer.model", "analyzer.errors", READERS)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def imports(module: str) -> frozenset[str]:
    """Every module ``module`` imports: project modules by full name, third-party ones by their top name."""
    known = _modules()
    found: set[str] = set()
    for node in ast.walk(ast.parse(known[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(
                alias.name if alias.name.startswith("analyzer") else alias.name.split(".")[0] for alias in node.names
            )
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if not node.module.startswith("analyzer"):
                found.add(node.module.split(".")[0])
                continue
            for alias in node.names:  # `from analyzer.facts import lexers` imports the module analyzer.facts.lexers
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
    return frozenset(found)


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _violations(module: str) -> list[str]:
    """What ``module`` imports that its place in the layout forbids."""
    out = []
    for imported in sorted(imports(module)):
        if imported in ("rich", "click") and not _within(module, PRESENTATION):
            out.append(f"{module} imports {imported}: only analyzer.cli and analyzer.reports touch the terminal")
        if _within(module, CORE) and _within(imported, (*PRESENTATION, "analyzer.batch")):
            out.append(f"{module} imports {imported}: the core never knows the CLI, the renderers or the batch")
        if imported in ONE_IMPORTER and module != ONE_IMPORTER[imported]:
            out.append(f"{module} imports {imported}: only {ONE_IMPORTER[imported]} may")
        if module == "analyzer.model" and imported.startswith("analyzer"):
            out.append(f"analyzer.model imports {imported}: the records import nothing of the project")
        out.extend(_parser_violation(module, imported))
    return out


def _parser_violation(module: str, imported: str) -> list[str]:
    """A manifest parser (or reader) importing project code besides the readers, the records and the errors.

    ``analyzer.manifests`` itself (the registry, for ``ParseContext``) is allowed to parsers, not to readers.
    """
    parts = module.split(".")
    is_parser = len(parts) == 3 and parts[:2] == ["analyzer", "manifests"] and not parts[2].startswith("_")
    is_reader = _within(module, (READERS,))
    if not (is_parser or is_reader) or not imported.startswith("analyzer"):
        return []
    allowed = PARSER_MAY_IMPORT if is_reader else (*PARSER_MAY_IMPORT, "analyzer.manifests")
    if imported in allowed or _within(imported, (READERS,)):
        return []
    return [f"{module} imports {imported}: a parser imports only {READERS}, analyzer.model and analyzer.errors"]


@pytest.mark.parametrize("module", sorted(_modules()))
def test_module_keeps_to_its_layer(module: str) -> None:
    assert _violations(module) == []


def _cycle_through(start: str) -> list[str] | None:
    """A path of imports from ``start`` back to itself, if there is one (depth-first over project modules)."""
    known = _modules()
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        module, path = stack.pop()
        for imported in sorted(imports(module)):
            if imported == start:
                return [*path, start]
            if imported in known and imported not in seen:
                seen.add(imported)
                stack.append((imported, [*path, imported]))
    return None


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_import_cycle(module: str) -> None:
    assert _cycle_through(module) is None


def test_the_checks_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A core module that imports rich, and two modules that import each other, are caught."""
    fake = tmp_path / "analyzer"
    (fake / "facts").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "facts" / "__init__.py").write_text("import rich\nfrom analyzer.facts import lexers\n")
    (fake / "facts" / "lexers.py").write_text("def late():\n    from analyzer.facts import Progress\n")
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    _modules.cache_clear()
    imports.cache_clear()
    try:
        assert any("imports rich" in v for v in _violations("analyzer.facts"))
        assert _parser_violation("analyzer.manifests.scala", "analyzer.manifests.swift")
        assert _parser_violation("analyzer.manifests._read.text", "analyzer.manifests")
        assert not _parser_violation("analyzer.manifests.scala", "analyzer.manifests._read.text")
        assert _cycle_through("analyzer.facts.lexers") == [
            "analyzer.facts.lexers",
            "analyzer.facts",
            "analyzer.facts.lexers",
        ]
    finally:
        _modules.cache_clear()
        imports.cache_clear()
