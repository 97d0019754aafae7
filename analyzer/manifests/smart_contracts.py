"""Smart-contract project files: Foundry, Anchor (Solana), Move, Hardhat and Truffle.

The TOML ones are read with ``tomllib``: foundry.toml's compiler (``solidity`` / ``solc``), Soldeer
``[dependencies]`` and ``remappings`` (the libraries they point into, such as ``forge-std``); Anchor.toml's
programs, provider cluster and toolchain (``anchor``); Move.toml's dependencies (``move``). Hardhat and
Truffle configs are JavaScript or TypeScript and are never run: their comments are blanked, then regular
expressions find the compiler version (``solidity: "0.8.24"``, ``version: "0.8.24"`` inside a ``solidity``
or ``solc`` block) and the packages the config loads (``require``/``import``), which are npm dev
dependencies. ``libs`` in foundry.toml names folders, not packages, so it gives no record.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from typing import Any

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read.tomldoc import load_toml
from analyzer.model import Dependency, ManifestResult, Scope

_TEST_LIBRARIES = frozenset({"forge-std", "ds-test"})


_KEY_LINE = re.compile(r"""\s*["']?([^"'=\s\[]+)["']?\s*=""")


class _Lines:
    """Line numbers of TOML table headers and of keys inside them (``tomllib`` keeps no positions).

    Indexed in one pass: searching the text once per key made a foundry.toml of 8,000 dependencies take 9 s.
    """

    def __init__(self, text: str) -> None:
        self._tables: dict[str, int] = {}
        self._keys: dict[tuple[str, str], int] = {}
        header: str | None = ""
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("["):
                close = stripped.find("]")
                # An array of tables ([[x]]) ends the table before it but is no table a key is looked up in.
                header = None if stripped.startswith("[[") or close < 0 else _dotted(stripped[1:close])
                if header is not None:
                    self._tables.setdefault(header, number)
                continue
            found = _KEY_LINE.match(line)
            if found:
                self._keys.setdefault(("", found.group(1)), number)  # a top-level lookup searches the whole file
                if header:
                    self._keys.setdefault((header, found.group(1)), number)

    def table(self, header: str) -> int:
        return self._tables.get(header, 0)

    def key(self, header: str, key: str) -> int:
        """Line of ``key =`` inside ``[header]``; the header's line if not found."""
        return self._keys.get((header, key), self.table(header) if header else 0)


def _dotted(name: str) -> str:
    return ".".join(part.strip() for part in name.split("."))


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ManifestError(f"'{key}' is not a table")
    return value


# --- Foundry --------------------------------------------------------------------------------------


def _remapped_library(remapping: str) -> str | None:
    """The library a remapping points into: ``@oz/=lib/openzeppelin-contracts/`` → ``openzeppelin-contracts``."""
    _, eq, target = remapping.partition("=")
    parts = [p for p in target.strip().split("/") if p and p != "."]
    if not eq or len(parts) < 2 or parts[0] not in ("lib", "node_modules", "dependencies"):
        return None
    name = parts[1] if not parts[1].startswith("@") or len(parts) < 3 else f"{parts[1]}/{parts[2]}"
    return re.sub(r"-\d+(\.\d+)*$", "", name)  # Soldeer folders carry the version: forge-std-1.9.1


def parse_foundry(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """foundry.toml: solc version per profile, Soldeer dependencies, and the libraries remappings point into."""
    data = load_toml(text, posixpath.basename(path))
    lines = _Lines(text)
    deps: list[Dependency] = []
    seen: set[tuple[str, str]] = set()
    for profile, table in _table(data, "profile").items():
        if not isinstance(table, dict):
            raise ManifestError(f"'profile.{profile}' is not a table")
        header = f"profile.{profile}"
        for key in ("solc_version", "solc"):
            version = table.get(key)
            if isinstance(version, str) and ("solc", version) not in seen:
                seen.add(("solc", version))
                deps.append(
                    Dependency(
                        ecosystem="solidity",
                        name="solc",
                        version=version,
                        scope=Scope.BUILD,
                        direct=True,
                        path=path,
                        line=lines.key(header, key),
                    )
                )
        remappings = table.get("remappings", [])
        if not isinstance(remappings, list):
            raise ManifestError(f"'{header}.remappings' is not a list")
        for remapping in remappings:
            name = _remapped_library(str(remapping))
            if name is not None and (name, "") not in seen:
                seen.add((name, ""))
                scope = Scope.TEST if name in _TEST_LIBRARIES else Scope.RUNTIME
                deps.append(
                    Dependency(
                        ecosystem="solidity",
                        name=name,
                        version="",
                        scope=scope,
                        direct=True,
                        path=path,
                        line=lines.key(header, "remappings"),
                    )
                )
    for name, spec in _table(data, "dependencies").items():
        version = spec if isinstance(spec, str) else str(spec.get("version", "")) if isinstance(spec, dict) else ""
        scope = Scope.TEST if name in _TEST_LIBRARIES else Scope.RUNTIME
        deps.append(
            Dependency(
                ecosystem="solidity",
                name=name,
                version=version,
                scope=scope,
                direct=True,
                path=path,
                line=lines.key("dependencies", name),
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- Anchor and Move ------------------------------------------------------------------------------


def parse_anchor(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Anchor.toml: programs (once, at their first cluster), the provider cluster and the toolchain."""
    data = load_toml(text, posixpath.basename(path))
    lines = _Lines(text)
    deps: list[Dependency] = []
    toolchain = _table(data, "toolchain")
    for key, name in (("anchor_version", "anchor-cli"), ("solana_version", "solana-cli")):
        if isinstance(toolchain.get(key), str):
            line = lines.key("toolchain", key)
            deps.append(
                Dependency(
                    ecosystem="anchor",
                    name=name,
                    version=toolchain[key],
                    scope=Scope.BUILD,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
    programs: set[str] = set()
    for cluster, table in _table(data, "programs").items():
        if not isinstance(table, dict):
            raise ManifestError(f"'programs.{cluster}' is not a table")
        for program in table:
            if program not in programs:
                programs.add(program)
                line = lines.key(f"programs.{cluster}", program)
                deps.append(
                    Dependency(
                        ecosystem="anchor",
                        name=program,
                        version="",
                        scope=Scope.RUNTIME,
                        direct=True,
                        path=path,
                        line=line,
                    )
                )
    provider = _table(data, "provider").get("cluster")
    if isinstance(provider, str):
        deps.append(
            Dependency(
                ecosystem="anchor",
                name=f"cluster:{provider}",
                version="",
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=lines.key("provider", "cluster"),
            )
        )
    return ManifestResult(dependencies=tuple(deps))


def _move_version(spec: object) -> str:
    if isinstance(spec, dict):
        for key in ("rev", "version", "local"):
            if isinstance(spec.get(key), str):
                return str(spec[key])
    return ""


def parse_move(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Move.toml (Sui, Aptos): ``[dependencies]`` and ``[dev-dependencies]``; a ``[package] name`` is required."""
    data = load_toml(text, posixpath.basename(path))
    if not isinstance(_table(data, "package").get("name"), str):
        raise ManifestError("no [package] name, so this is not a Move package manifest")
    lines = _Lines(text)
    deps: list[Dependency] = []
    for section, scope in (("dependencies", Scope.RUNTIME), ("dev-dependencies", Scope.DEV)):
        for name, spec in _table(data, section).items():
            deps.append(
                Dependency(
                    ecosystem="move",
                    name=name,
                    version=_move_version(spec),
                    scope=scope,
                    direct=True,
                    path=path,
                    line=lines.key(section, name),
                )
            )
    return ManifestResult(dependencies=tuple(deps))


# --- Hardhat and Truffle --------------------------------------------------------------------------

_STRING = re.compile(r"""(["'`])((?:\\.|(?!\1)[^\\\n])*)\1""")
_TEMPLATE = re.compile(r"`(?:\\.|[^\\`])*`")
_LOADS = re.compile(
    r"""\brequire\s*\(\s*(["'])([^"'\n]+)\1"""
    r"""|\bimport\s*(?:\(\s*)?(?:[\w*{}\s,$]+\s+from\s+)?(["'])([^"'\n]+)\3"""
)
_COMPILER = re.compile(r"\b(solidity|solc)\s*:\s*")
_VERSION = re.compile(r"""\bversion\s*:\s*["']([\^~]?\d+\.\d+(?:\.\d+)?)["']""")
_BUILTINS = frozenset(
    {
        "fs",
        "path",
        "os",
        "url",
        "util",
        "http",
        "https",
        "crypto",
        "child_process",
        "process",
        "assert",
        "events",
        "stream",
        "readline",
        "zlib",
        "fs/promises",
    }
)


def _blank_comments(text: str) -> str:
    """The text with ``//`` and ``/* */`` comments replaced by spaces (newlines kept), strings left intact."""
    out: list[str] = []
    i, line = 0, 1
    while i < len(text):
        char = text[i]
        if char in "\"'`":
            match = _STRING.match(text, i) if char != "`" else _TEMPLATE.match(text, i)
            if match is None:
                raise ManifestError(f"unterminated string literal at line {line}")
            end = match.end()
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ManifestError(f"unterminated comment opened at line {line}")
            end += 2
        else:
            out.append(char)
            line += char == "\n"
            i += 1
            continue
        chunk = text[i:end]
        out.append(chunk if char in "\"'`" else re.sub(r"[^\n]", " ", chunk))
        line += chunk.count("\n")
        i = end
    return "".join(out)


def _block(code: str, start: int) -> str:
    """The bracketed block opening at ``start`` (``{`` or ``[``), strings skipped; to the end if unclosed."""
    depth = 0
    i = start
    while i < len(code):
        if code[i] in "\"'`" and (match := _STRING.match(code, i)):
            i = match.end()
            continue
        if code[i] in "{[":
            depth += 1
        elif code[i] in "}]":
            depth -= 1
        if depth == 0:
            return code[start : i + 1]
        i += 1
    raise ManifestError(f"the block opened at line {code.count(chr(10), 0, start) + 1} is never closed")


def _string_starts(code: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the string literals of comment-free code, in order."""
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(code):
        if code[i] in "\"'`":
            match = _STRING.match(code, i) if code[i] != "`" else _TEMPLATE.match(code, i)
            if match is not None:
                starts.append(i)
                ends.append(match.end())
                i = match.end()
                continue
        i += 1
    return starts, ends


def _package(spec: str) -> str | None:
    if spec.startswith((".", "/", "node:")) or spec in _BUILTINS:
        return None
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") and len(parts) > 1 else parts[0]


def parse_js_chain_config(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """hardhat.config.* / truffle-config.js, read statically: solc versions and the packages loaded."""
    code = _blank_comments(text)
    starts, ends = _string_starts(code)

    def in_string(offset: int) -> bool:
        index = bisect.bisect_right(starts, offset) - 1
        return index >= 0 and offset < ends[index]

    deps: list[Dependency] = []
    versions: set[str] = set()
    for match in _COMPILER.finditer(code):
        if in_string(match.start()):
            continue
        offset = match.end()
        literal = _STRING.match(code, offset)
        if literal is not None:
            found = [(literal.group(2), offset)]
        elif offset < len(code) and code[offset] in "{[":
            block = _block(code, offset)
            found = [(v.group(1), offset + v.start()) for v in _VERSION.finditer(block)]
        else:
            continue
        for version, at in found:
            if re.fullmatch(r"[\^~]?\d+\.\d+(\.\d+)?", version) and version not in versions:
                versions.add(version)
                line = code.count("\n", 0, at) + 1
                deps.append(
                    Dependency(
                        ecosystem="solidity",
                        name="solc",
                        version=version,
                        scope=Scope.BUILD,
                        direct=True,
                        path=path,
                        line=line,
                    )
                )
    loaded: set[str] = set()
    for match in _LOADS.finditer(code):
        if in_string(match.start()):
            continue
        name = _package(match.group(2) or match.group(4))
        if name is not None and name not in loaded:
            loaded.add(name)
            deps.append(
                Dependency(
                    ecosystem="npm",
                    name=name,
                    version="",
                    scope=Scope.DEV,
                    direct=True,
                    path=path,
                    line=code.count("\n", 0, match.start()) + 1,
                )
            )
    return ManifestResult(dependencies=tuple(deps))
