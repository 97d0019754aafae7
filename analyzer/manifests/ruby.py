"""Ruby manifests: Bundler's ``Gemfile`` and ``Gemfile.lock``.

A Gemfile is Ruby code; it is read line by line, never evaluated. ``gem`` lines give the direct
dependencies; ``group ... do`` blocks and ``group:`` options give their scope, so the reader keeps a
stack of open blocks (``do``/``if``/``unless``/... closed by ``end``), and an ``end`` with nothing open
is reported as malformed. The lockfile lists every resolved gem under ``specs:``; its ``DEPENDENCIES``
section tells which of them the Gemfile asked for directly.

A gem's own ``*.gemspec`` declares its runtime dependencies (``add_dependency``); a Gemfile that says ``gemspec``
defers to it, so that Gemfile's ungrouped gems are the developer's tools. A gem limited to other platforms than
MRI (``platforms: [:mswin, :mingw]``, ``platforms :jruby do``) is a per-platform shim, not the product's runtime.
Both weigh as development dependencies.
"""

from __future__ import annotations

import re

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.model import Dependency, ManifestResult, Scope

_GEM = re.compile(r"""^\s*gem\s*(?:\(\s*)?(["'])([^"'\s]+)\1(.*)$""")
_VERSION_ARG = re.compile(r"""\s*,\s*(["'])([^"']*)\1""")
_GROUP_OPTION = re.compile(r"""(?::groups?\s*=>|\bgroups?:)\s*(\[[^\]]*\]|:\w+|["'][^"']*["'])""")
_GROUP_BLOCK = re.compile(r"^\s*group\b(.*?)(?<=\s)do(?:\s*\|[^|]*\|)?\s*$")
_SYMBOL = re.compile(r"""[:"']([A-Za-z_]\w*)""")
_DO_BLOCK = re.compile(r"\bdo(?:\s*\|[^|]*\|)?\s*$")
_KEYWORD_BLOCK = re.compile(r"^\s*(?:if|unless|case|begin|while|until|def|class|module)\b")
_END = re.compile(r"^\s*end\b")
_TEST_GROUPS = frozenset({"test", "tests", "ci", "spec"})
_RUNTIME_GROUPS = frozenset({"default", "production", "staging"})
_MAX_NESTED_GROUPS = 16
_PLATFORM_OPTION = re.compile(r"""(?::platforms?\s*=>|\bplatforms?:)\s*(\[[^\]]*\]|:\w+|["'][^"']*["'])""")
_PLATFORM_BLOCK = re.compile(r"^\s*platforms?\b(.*?)(?<=\s)do(?:\s*\|[^|]*\|)?\s*$")
_MAIN_PLATFORM = re.compile(r"^(ruby|mri)(_\d+)?$")
_GEMSPEC_LINE = re.compile(r"^\s*gemspec\b")
_GEMSPEC_DEPENDENCY = re.compile(
    r"""^\s*\w+\.add_(runtime_|development_)?dependency\s*(?:\(\s*)?(["'])([^"'\s]+)\2(.*)$"""
)


def _strip_comment(line: str) -> str:
    """The line without a trailing ``#`` comment, ignoring ``#`` inside quotes (and ``#{}`` interpolation)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
    return line


def _scope_of(groups: set[str]) -> Scope:
    if not groups or groups <= _RUNTIME_GROUPS:
        return Scope.RUNTIME
    if groups <= _TEST_GROUPS:
        return Scope.TEST
    return Scope.DEV


def _other_platform(platforms: set[str]) -> bool:
    """Whether a platform restriction leaves out MRI, the runtime the product ships on."""
    return bool(platforms) and not any(_MAIN_PLATFORM.match(p) for p in platforms)


def _gem(match: re.Match[str], groups: set[str], path: str, line: int, gemspec: bool) -> Dependency:
    rest = match.group(3)
    option = _GROUP_OPTION.search(rest)
    own = set(_SYMBOL.findall(option.group(1))) if option else set()
    if gemspec and not groups and not own:
        own.add("development")  # the gemspec holds the runtime dependencies
    platforms = _PLATFORM_OPTION.search(rest)
    if platforms and _other_platform(set(_SYMBOL.findall(platforms.group(1)))):
        own.add("platform")
    # Version requirements are the string arguments right after the name, before any option.
    versions: list[str] = []
    argument = _VERSION_ARG.match(rest)
    while argument:
        versions.append(argument.group(2))
        argument = _VERSION_ARG.match(rest, argument.end())
    return Dependency(
        ecosystem="gem",
        name=match.group(2),
        version=", ".join(versions),
        scope=_scope_of(groups | own),
        direct=True,
        path=path,
        line=line,
    )


def _nest(outer: frozenset[str], own: frozenset[str]) -> frozenset[str]:
    """The groups inside a block. Past a handful of names the set stops growing: it then holds a name outside
    the runtime and test groups, so the scope is development whatever is added (distinct nested group names
    would otherwise cost the depth on every line)."""
    if len(outer) >= _MAX_NESTED_GROUPS or not own - outer:
        return outer
    return outer | own


def parse_gemfile(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Gems declared in a Gemfile, with their scope from ``group`` blocks and options."""
    deps: list[Dependency] = []
    # Each open block keeps the groups of all blocks around it, shared when it adds none: a line costs the
    # same at any depth (a union over the stack per line made 40,000 nested `do` take a minute).
    blocks: list[tuple[int, frozenset[str]]] = []
    gemspec = any(_GEMSPEC_LINE.match(line) for line in text.splitlines())
    for number, raw in enumerate(text.splitlines(), 1):
        code = _strip_comment(raw).rstrip()
        if not code.strip():
            continue
        if _END.match(code):
            if not blocks:
                raise ManifestError(f"line {number}: 'end' without an open block")
            blocks.pop()
            continue
        groups = blocks[-1][1] if blocks else frozenset()
        gem = _GEM.match(code)
        if gem:
            deps.append(_gem(gem, set(groups), path, number, gemspec))
        group = _GROUP_BLOCK.match(code)
        platform = _PLATFORM_BLOCK.match(code)
        if group:
            blocks.append((number, _nest(groups, frozenset(_SYMBOL.findall(group.group(1))))))
        elif platform:
            other = _other_platform(set(_SYMBOL.findall(platform.group(1))))
            blocks.append((number, _nest(groups, frozenset({"platform"} if other else ()))))
        elif _DO_BLOCK.search(code) or (_KEYWORD_BLOCK.match(code) and not re.search(r"\bend\s*$", code)):
            blocks.append((number, groups))
    if blocks:
        raise ManifestError(f"block opened at line {blocks[-1][0]} is never closed with 'end'")
    return ManifestResult(dependencies=tuple(deps))


def parse_gemspec(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Dependencies a gem declares in its ``*.gemspec`` (read as text, never evaluated): ``add_dependency`` and
    ``add_runtime_dependency`` are runtime, ``add_development_dependency`` is development."""
    deps = []
    for number, raw in enumerate(text.splitlines(), 1):
        found = _GEMSPEC_DEPENDENCY.match(_strip_comment(raw))
        if found is None:
            continue
        versions: list[str] = []
        argument = _VERSION_ARG.match(found.group(4))
        while argument:
            versions.append(argument.group(2))
            argument = _VERSION_ARG.match(found.group(4), argument.end())
        scope = Scope.DEV if found.group(1) == "development_" else Scope.RUNTIME
        deps.append(
            Dependency(
                ecosystem="gem",
                name=found.group(3),
                version=", ".join(versions),
                scope=scope,
                direct=True,
                path=path,
                line=number,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


_SPEC = re.compile(r"^ {4}([A-Za-z0-9_.-]+) \(([^)]+)\)$")
_DIRECT = re.compile(r"^ {2}([A-Za-z0-9_.-]+)!?(?: \(.*\))?$")
_SOURCE_SECTIONS = frozenset({"GEM", "GIT", "PATH", "PLUGIN SOURCE"})


def parse_gemfile_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Resolved gems of a Gemfile.lock, all ``direct=False``.

    The lockfile does not say which group a gem belongs to, so counting its DEPENDENCIES as direct would give
    a development-only gem full runtime weight; the Gemfile is where direct gems and their groups come from.
    The DEPENDENCIES section is still validated.
    """
    specs: list[tuple[str, str, int]] = []
    direct: set[str] = set()
    section = ""
    sections: set[str] = set()
    in_specs = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if line.startswith(("<<<<<<<", "=======", ">>>>>>>")):
            raise ManifestError(f"line {number}: unresolved merge conflict marker")
        if not line:
            continue
        if not line.startswith(" "):
            section, in_specs = line, False
            sections.add(line)
            continue
        if section in _SOURCE_SECTIONS:
            if not line.startswith("    "):
                in_specs = line == "  specs:"
            elif in_specs and not line.startswith("      "):
                spec = _SPEC.match(line)
                if spec is None:
                    raise ManifestError(f"line {number}: {line.strip()!r} is not a 'name (version)' spec")
                specs.append((spec.group(1), spec.group(2), number))
        elif section == "DEPENDENCIES":
            entry = _DIRECT.match(line)
            if entry is None:
                raise ManifestError(f"line {number}: {line.strip()!r} is not a dependency name")
            direct.add(entry.group(1))
    if text.strip() and not sections & {"GEM", "DEPENDENCIES"}:
        raise ManifestError("no GEM or DEPENDENCIES section: not a Gemfile.lock")
    deps = tuple(
        Dependency(ecosystem="gem", name=name, version=version, scope=Scope.RUNTIME, direct=False, path=path, line=line)
        for name, version, line in specs
    )
    return ManifestResult(dependencies=deps)
