"""WebAssembly project files: Trunk.toml, AssemblyScript's asconfig.json and WIT interface files (``*.wit``).

Each says "this builds WebAssembly" in its own way, and each becomes records rules can match: Trunk (which
only builds Rust to ``wasm32-unknown-unknown``) and AssemblyScript become ``target`` records in build scope;
a WIT file gives its package, worlds and interfaces, and the foreign packages it uses (``wasi:http``), as
``wit`` records. wasm-pack is read from Cargo metadata (``rust.py``) and emscripten flags from build files
(the C/C++ readers), not here.
"""

from __future__ import annotations

import posixpath
import re

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read.jsondoc import load_json_object
from analyzer.manifests._read.tomldoc import load_toml
from analyzer.model import Dependency, ManifestResult, Scope

_TRUNK_TARGET = "wasm32-unknown-unknown"


def _line_of(text: str, pattern: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` matching ``pattern``; 0 when none does."""
    regex = re.compile(pattern)
    for number, line in enumerate(text.splitlines()[start - 1 :], start):
        if regex.search(line):
            return number
    return 0


def parse_trunk(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Trunk.toml: the project builds Rust to WebAssembly, shown at its ``[build] target`` when it has one."""
    data = load_toml(text, posixpath.basename(path))
    build = data.get("build", {})
    if not isinstance(build, dict):
        raise ManifestError("'build' is not a table")
    section = _line_of(text, r"^\s*\[\s*build\s*\]")
    line = _line_of(text, r"^\s*target\s*=", section) if section and "target" in build else section
    return ManifestResult(
        dependencies=(
            Dependency(
                ecosystem="target",
                name=_TRUNK_TARGET,
                version="",
                scope=Scope.BUILD,
                direct=True,
                path=path,
                line=line or 1,
            ),
        )
    )


def parse_asconfig(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """asconfig.json: an AssemblyScript build, shown at its ``targets`` (debug, release...)."""
    data = load_json_object(text, posixpath.basename(path))
    targets = data.get("targets", {})
    if not isinstance(targets, dict):
        raise ManifestError("'targets' is not an object")
    line = _line_of(text, r'"targets"\s*:') or 1
    return ManifestResult(
        dependencies=(
            Dependency(
                ecosystem="target",
                name="assemblyscript",
                version="",
                scope=Scope.BUILD,
                direct=True,
                path=path,
                line=line,
            ),
        )
    )


# --- WIT ------------------------------------------------------------------------------------------

_WIT_TOKEN = re.compile(r"%?[A-Za-z][A-Za-z0-9-]*|[0-9][A-Za-z0-9.+-]*|\S")
_PACKAGE = re.compile(r"^%?([a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)+)(?:@(\S+))?$")
_FOREIGN = re.compile(
    r"([a-z][a-z0-9-]*:[a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)*)"  # namespace:package
    r"/[a-z%][a-z0-9-]*(?:@([0-9][\w+-]*(?:\.[0-9][\w+-]*)*))?"  # /interface@version
)


def _wit_code(text: str) -> str:
    """The text with comments blanked out (newlines kept); block comments nest in WIT."""
    out = list(text)
    i, depth, start = 0, 0, 0
    while i < len(text):
        if depth == 0 and text.startswith("//", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
        elif text.startswith("/*", i):
            start = i if depth == 0 else start
            depth += 1
            i += 2
        elif depth and text.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                out[start:i] = [c if c == "\n" else " " for c in text[start:i]]
        else:
            i += 1
    if depth:
        raise ManifestError(f"unterminated comment opened at line {text.count(chr(10), 0, start) + 1}")
    return "".join(out)


def parse_wit(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Package, worlds and interfaces declared by a ``.wit`` file, and the foreign packages it uses."""
    code = _wit_code(text)
    if code.count("{") != code.count("}"):
        raise ManifestError(f"unbalanced braces: {code.count('{')} '{{' for {code.count('}')} '}}'")
    deps: list[Dependency] = []
    seen: set[str] = set()
    depth = 0
    for number, line in enumerate(code.splitlines(), 1):
        words = _WIT_TOKEN.findall(line)
        if depth == 0 and words[:1] == ["package"]:
            spec = line.split("package", 1)[1].strip().rstrip(";").replace(" ", "")
            match = _PACKAGE.match(spec)
            if match is None:
                raise ManifestError(f"line {number}: {spec!r} is not a package name such as ns:name@1.0.0")
            deps.append(
                Dependency(
                    ecosystem="wit",
                    name=match.group(1),
                    version=match.group(2) or "",
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=number,
                )
            )
        elif depth == 0 and len(words) >= 2 and words[0] in ("world", "interface"):
            deps.append(
                Dependency(
                    ecosystem="wit",
                    name=f"{words[0]}:{words[1].lstrip('%')}",
                    version="",
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=number,
                )
            )
        for foreign in _FOREIGN.finditer(line):
            if foreign.group(1) not in seen:
                seen.add(foreign.group(1))
                version = foreign.group(2) or ""
                deps.append(
                    Dependency(
                        ecosystem="wit",
                        name=foreign.group(1),
                        version=version,
                        scope=Scope.BUILD,
                        direct=True,
                        path=path,
                        line=number,
                    )
                )
        depth += line.count("{") - line.count("}")
        if depth < 0:
            raise ManifestError(f"line {number}: '}}' closes nothing")
    own = {d.name for d in deps if d.scope is Scope.RUNTIME}
    return ManifestResult(dependencies=tuple(d for d in deps if d.scope is Scope.RUNTIME or d.name not in own))
