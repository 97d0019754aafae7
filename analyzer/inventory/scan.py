"""The inventory stage: every file of a tree with its language, role and component (DESIGN §2).

Roles follow github-linguist's conventions, written as ordered data in ``heuristics/paths.toml``;
``.gitattributes`` files (``linguist-vendored``, ``linguist-generated``, ``linguist-documentation``,
``linguist-language``) override them at any level. Components are directories holding a manifest listed
in paths.toml. Reads are kept small because a later stage reads contents in full: a file's head is read
only when its name cannot decide its language (8 KiB), or to look for a "generated" marker at the top
of a source or test file in a programming language (2 KiB).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any

import heuristics
from analyzer.errors import RuleError
from analyzer.inventory.globs import GlobSet, LazyRegex
from analyzer.inventory.languages import HEAD_BYTES, LanguageTable
from analyzer.inventory.rolematch import RoleMatcher
from analyzer.inventory.roles import ShapeRules, data_roots, generated_by_shape, imported_roots, parse_shapes, under
from analyzer.model import Component, Diagnostic, FileEntry, Inventory, Role, Severity
from analyzer.target.patterns import MAX_PATTERN_LINES, PatternSet, ignore_patterns, usable
from analyzer.target.worktree import Tree, TreeFile

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

MARKER_BYTES = 2048
"""Bytes read from the top of a source-like file to look for a "generated" marker."""

_ATTRIBUTES_LIMIT = 1 << 20
_ROLE_NAMES = {role.value: role for role in Role if role is not Role.SOURCE}
_FLAGS = {"linguist-vendored": Role.VENDORED, "linguist-generated": Role.GENERATED, "linguist-documentation": Role.DOCS}


@dataclass(frozen=True)
class PathRules:
    """Role patterns, generated-file markers and component manifests, loaded from paths.toml."""

    role_patterns: tuple[tuple[Role, tuple[str, ...]], ...]
    """(role, gitignore-style patterns) in precedence order."""
    markers: tuple[LazyRegex, ...]
    comment_prefixes: tuple[str, ...]
    marker_lines: int
    minified: tuple[str, ...]
    minified_line: int
    manifests: tuple[tuple[str, str], ...]
    """(base-name glob, ecosystem)."""
    chained: frozenset[str]
    shapes: ShapeRules
    """Generated shapes and signs of copied projects (analyzer/inventory/roles.py)."""
    role_matcher: RoleMatcher | None = field(default=None, repr=False, compare=False)
    """All role patterns in one matcher (translated once, kept in the knowledge cache); built when not given."""

    def __post_init__(self) -> None:
        if self.role_matcher is None:
            object.__setattr__(self, "role_matcher", RoleMatcher(self.role_patterns))

    def __reduce__(self) -> tuple[type[PathRules], tuple[object, ...]]:
        # A compiled RE2 set cannot be pickled: rebuild it from the patterns in the other process.
        return (type(self), tuple(getattr(self, f.name) for f in fields(self) if f.init))

    @cached_property
    def roles(self) -> tuple[tuple[Role, GitIgnoreSpec], ...]:
        """Each role's patterns as its own spec (what ``role_matcher`` answers for all roles at once)."""
        from pathspec import GitIgnoreSpec  # the one-spec-per-role reading, for tests and tools, not for scans

        return tuple((role, GitIgnoreSpec.from_lines(list(p))) for role, p in self.role_patterns)

    @cached_property
    def _manifest_names(self) -> GlobSet:
        """The manifest globs, matched at once (the first that matches wins)."""
        return GlobSet([glob for glob, _ in self.manifests])

    def ecosystem(self, path: str) -> str | None:
        """Ecosystem of a component-defining manifest, or None when the file is not one."""
        index = self._manifest_names.first(path.rpartition("/")[2])
        return None if index is None else self.manifests[index][1]

    def is_generated(self, path: str, head: bytes) -> bool:
        """Whether the top of a file says it is generated (a marker comment, or a minified first line)."""
        text = head[:MARKER_BYTES].decode("utf-8", "replace")
        lines = text.splitlines()
        if path.endswith(self.minified) and lines and len(lines[0]) > self.minified_line:
            return True
        for line in lines[: self.marker_lines]:
            stripped = line.strip()
            if stripped.startswith(self.comment_prefixes) and any(m.search(stripped) for m in self.markers):
                return True
        return False


def parse_path_rules(text: str) -> PathRules:
    """Build PathRules from the text of a paths.toml; raise RuleError on malformed data."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
        roles = tuple((_ROLE_NAMES[entry["role"]], tuple(entry["patterns"])) for entry in data["role"])
        generated: Mapping[str, Any] = data["generated"]
        components: Mapping[str, Any] = data["components"]
        return PathRules(
            role_patterns=roles,
            markers=tuple(LazyRegex.checked(p) for p in generated["markers"]),
            comment_prefixes=tuple(generated["comment"]),
            marker_lines=int(generated["lines"]),
            minified=tuple(generated["minified"]),
            minified_line=int(generated["minified_line"]),
            manifests=tuple((str(k), str(v)) for k, v in components["manifests"].items()),
            chained=frozenset(components["chained"]),
            shapes=parse_shapes(data["shapes"]),
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, re.error) as exc:
        raise RuleError(f"paths.toml is malformed: {type(exc).__name__}: {exc}") from exc


def load_path_rules() -> PathRules:
    """The shipped path rules (heuristics/paths.toml). Load them once and pass them along."""
    return parse_path_rules(heuristics.read_text("paths.toml"))


# -- .gitattributes -----------------------------------------------------------------------------------

AttrValue = bool | str
_Attrs = dict[str, AttrValue | None]


@dataclass(frozen=True)
class _AttributeFile:
    """The linguist-* lines of one .gitattributes file, their patterns compiled into one matcher."""

    prefix: str
    """Directory of the file ("" at the root, else ending in "/"): its patterns are relative to it."""
    patterns: PatternSet
    attrs: tuple[_Attrs, ...]
    """Attributes of each pattern, in line order."""


def _attribute_words(words: list[str]) -> _Attrs:
    attrs: _Attrs = {}
    for word in words:
        name, sep, value = word.lstrip("-!").partition("=")
        if not name.startswith("linguist-"):
            continue
        if sep:
            attrs[name] = {"true": True, "false": False}.get(value.lower(), value)
        else:
            attrs[name] = None if word.startswith("!") else not word.startswith("-")
    return attrs


def _parse_attributes(prefix: str, text: str, source: str, diagnostics: list[Diagnostic]) -> _AttributeFile:
    """The linguist-* lines of one .gitattributes file whose directory is ``prefix`` (bounded in lines)."""
    patterns: list[str] = []
    attributes: list[_Attrs] = []

    def warn(message: str) -> None:
        diagnostics.append(Diagnostic(path=source, message=message, severity=Severity.WARNING, stage="inventory"))

    for number, raw in enumerate(text.splitlines(), start=1):
        if number > MAX_PATTERN_LINES:
            warn(f"more than {MAX_PATTERN_LINES} lines; the rest are ignored")
            break
        words = raw.split()
        if not words or words[0].startswith("#") or words[0].startswith("[attr]"):
            continue
        attrs = _attribute_words(words[1:])
        if not attrs:
            continue
        if words[0].startswith("!"):
            warn(f"line {number}: negative patterns are not allowed in .gitattributes; line ignored")
            continue
        pattern, _ = usable(words[0].strip('"'))
        if pattern is None:
            warn(f"line {number}: unusable pattern {words[0][:80]!r}; line ignored")
            continue
        patterns.append(pattern)
        attributes.append(attrs)
    return _AttributeFile(prefix, PatternSet(patterns), tuple(attributes))


def _attributes_for(path: str, files: Iterable[_AttributeFile]) -> dict[str, AttrValue]:
    """Attributes of a path: shallower files first, later lines override, as git resolves them.

    Only the path itself counts: a pattern that matches a parent directory does not apply to files inside it.
    """
    result: dict[str, AttrValue | None] = {}
    for found in files:
        if path.startswith(found.prefix):
            for index in found.patterns.indices(path[len(found.prefix) :]):
                result.update(found.attrs[index])
    return {k: v for k, v in result.items() if v is not None}


def _load_attributes(tree: Tree, files: Iterable[TreeFile], diagnostics: list[Diagnostic]) -> list[_AttributeFile]:
    sources = sorted(
        (f.path for f in files if f.path.rpartition("/")[2] == ".gitattributes"), key=lambda p: (p.count("/"), p)
    )
    lines: list[_AttributeFile] = []
    for source in sources:
        raw = tree.read(source, _ATTRIBUTES_LIMIT)
        if raw is None:
            diagnostics.append(
                Diagnostic(
                    path=source,
                    message="could not read .gitattributes; its overrides are ignored",
                    severity=Severity.WARNING,
                    stage="inventory",
                )
            )
            continue
        prefix = source[: -len(".gitattributes")]
        lines.append(_parse_attributes(prefix, raw.decode("utf-8", "replace"), source, diagnostics))
    return lines


# -- roles and languages -------------------------------------------------------------------------------


def _role(path: str, rules: PathRules, attrs: Mapping[str, AttrValue]) -> Role:
    """First matching role in precedence order; an explicit attribute wins, a false one vetoes its role."""
    for flag, role in _FLAGS.items():
        if attrs.get(flag) is True:
            return role
    vetoed = frozenset(role for flag, role in _FLAGS.items() if attrs.get(flag) is False)
    assert rules.role_matcher is not None  # set by PathRules itself
    return rules.role_matcher.role(path, vetoed)


def _override_language(value: AttrValue | None, languages: LanguageTable) -> str | None:
    if not isinstance(value, str):
        return None
    wanted = {value.lower(), value.lower().replace("-", " "), value.lower().replace("_", " ")}
    return next((name for name in languages.kinds if name.lower() in wanted), None)


def _read_head(tree: Tree, entry: TreeFile, limit: int) -> bytes | None:
    return b"" if entry.size == 0 else tree.read(entry.path, limit)


def _classify(
    entry: TreeFile,
    attrs: Mapping[str, AttrValue],
    languages: LanguageTable,
    rules: PathRules,
    tree: Tree,
    diagnostics: list[Diagnostic],
) -> tuple[str | None, Role]:
    role = _role(entry.path, rules, attrs)
    language = languages.detect(entry.path, None)
    content = languages.needs_content(entry.path)
    wants_marker = role in (Role.SOURCE, Role.TEST) and attrs.get("linguist-generated") is not False

    def checkable(name: str | None) -> bool:
        return name is not None and (languages.kind(name) == "programming" or entry.path.endswith(rules.minified))

    if content or (wants_marker and checkable(language)):
        head = _read_head(tree, entry, HEAD_BYTES if content else MARKER_BYTES)
        if head is None:
            diagnostics.append(
                Diagnostic(
                    path=entry.path,
                    message="could not read file; language unknown",
                    severity=Severity.WARNING,
                    stage="inventory",
                )
            )
            return None, role
        language = languages.detect(entry.path, head)
        generated = rules.is_generated(entry.path, head) or generated_by_shape(
            entry.path, entry.size, head, rules.shapes
        )
        if wants_marker and checkable(language) and generated:
            role = Role.GENERATED
    override = _override_language(attrs.get("linguist-language"), languages)
    return (override or language), role


# -- components ----------------------------------------------------------------------------------------


def _parent(path: str) -> str:
    return path.rpartition("/")[0] or "."


def _components(files: Iterable[tuple[str, Role]], rules: PathRules) -> tuple[Component, ...]:
    eligible = [
        (p, eco)
        for p, role in files
        if role in (Role.SOURCE, Role.TEST)
        for eco in [rules.ecosystem(p)]
        if eco is not None
    ]
    present = {p for p, _ in eligible}
    found: dict[str, list[tuple[str, str]]] = {".": []}
    for path, eco in eligible:
        base = path.rpartition("/")[2]
        if base in rules.chained and _has_ancestor_with(path, base, present):
            continue  # part of the project its ancestor's build file defines
        found.setdefault(_parent(path), []).append((path, eco))
    return tuple(
        Component(path=d, manifests=tuple(sorted(p for p, _ in m)), ecosystems=tuple(sorted({e for _, e in m})))
        for d, m in sorted(found.items())
    )


def _has_ancestor_with(path: str, base: str, present: set[str]) -> bool:
    directory = _parent(path)
    while directory != ".":
        directory = _parent(directory)
        candidate = base if directory == "." else f"{directory}/{base}"
        if candidate in present:
            return True
    return False


def _owner(path: str, components: set[str], cache: dict[str, str]) -> str:
    """Nearest enclosing component directory (iterative: a hostile tree may be thousands of levels deep)."""
    directory = _parent(path)
    climbed: list[str] = []
    while directory not in cache and directory not in components:
        climbed.append(directory)
        directory = _parent(directory)
    owner = cache.get(directory, directory)
    for seen in climbed:
        cache[seen] = owner
    return owner


# -- the stage -----------------------------------------------------------------------------------------

IGNORE_FILE = ".rustgoignore"
"""Gitignore-style patterns, at the repository root, of paths the analysis leaves out entirely."""


def _apply_ignore_file(tree: Tree, listed: tuple[TreeFile, ...], diagnostics: list[Diagnostic]) -> tuple[TreeFile, ...]:
    if not any(entry.path == IGNORE_FILE for entry in listed):
        return listed
    data = tree.read(IGNORE_FILE, 1 << 20)
    if data is None:
        diagnostics.append(
            Diagnostic(path=IGNORE_FILE, message="could not be read; nothing was ignored", stage="inventory")
        )
        return listed
    spec = ignore_patterns(data.decode("utf-8", errors="replace"), IGNORE_FILE, diagnostics)
    return tuple(entry for entry in listed if not spec.match(entry.path))


def scan(tree: Tree, languages: LanguageTable, paths: PathRules) -> Inventory:
    """List the tree and give each file its language, role and component."""
    listed, listing_diagnostics = tree.list_files()
    diagnostics = list(listing_diagnostics)
    listed = _apply_ignore_file(tree, listed, diagnostics)
    attribute_lines = _load_attributes(tree, listed, diagnostics)
    classified: list[tuple[TreeFile, str | None, Role]] = []
    copies = imported_roots((entry.path for entry in listed), paths.shapes)
    data = data_roots((entry.path for entry in listed), paths.shapes)
    for entry in listed:
        attrs = _attributes_for(entry.path, attribute_lines) if attribute_lines else {}
        language, role = _classify(entry, attrs, languages, paths, tree, diagnostics)
        if role.counts and attrs.get("linguist-vendored") is not False and under(entry.path, copies):
            role = Role.VENDORED
        elif role.counts and under(entry.path, data):
            role = Role.FIXTURE
        classified.append((entry, language, role))
    components = _components(((e.path, role) for e, _, role in classified), paths)
    component_dirs = {c.path for c in components}
    owners: dict[str, str] = {}
    files = tuple(
        FileEntry(
            path=e.path, size=e.size, language=language, role=role, component=_owner(e.path, component_dirs, owners)
        )
        for e, language, role in sorted(classified, key=lambda item: item[0].path)
    )
    return Inventory(root=tree.root, files=files, components=components, diagnostics=tuple(diagnostics))
