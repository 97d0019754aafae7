"""C and C++ manifests: CMakeLists.txt, conanfile.txt, vcpkg.json and PlatformIO's platformio.ini.

CMake is read with a small tokenizer for command invocations (line and bracket comments, quoted and
bracket arguments, invocations over several lines), so a ``find_package`` inside a comment or a string
is not taken for a dependency. Besides packages, the CMake reader records build targets that matter to
the verdict: an Emscripten (WebAssembly) toolchain and bare-metal cross-compilation, as ecosystem
``target``. Nothing is evaluated: variables stay unresolved and their uses are skipped.
"""

from __future__ import annotations

import bisect
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read.inidoc import load_ini
from analyzer.manifests._read.jsondoc import load_json_object
from analyzer.model import Dependency, ManifestResult, Scope

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACKET_OPEN = re.compile(r"\[(=*)\[")
_UNQUOTED_END = re.compile(r'[\s()"#]')


@dataclass(frozen=True)
class _Arg:
    value: str
    line: int
    quoted: bool


@dataclass(frozen=True)
class _Command:
    name: str
    """Lower-cased command name (CMake commands are case-insensitive)."""
    args: tuple[_Arg, ...]
    line: int


class _Lines:
    """Offset → line lookup for one text."""

    def __init__(self, text: str) -> None:
        self._starts = [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) + 1


def _skip_bracket(text: str, i: int, lines: _Lines, what: str) -> tuple[str, int]:
    """Content and end offset of the bracket construct ``[==[ ... ]==]`` starting at ``i``."""
    opening = _BRACKET_OPEN.match(text, i)
    assert opening is not None
    close = "]" + opening.group(1) + "]"
    end = text.find(close, opening.end())
    if end < 0:
        raise ManifestError(f"unterminated bracket {what} opened at line {lines.at(i)}")
    return text[opening.end() : end], end + len(close)


def _skip_comment(text: str, i: int, lines: _Lines) -> int:
    if _BRACKET_OPEN.match(text, i + 1):
        return _skip_bracket(text, i + 1, lines, "comment")[1]
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _quoted(text: str, i: int, lines: _Lines) -> tuple[str, int]:
    out: list[str] = []
    j = i + 1
    while j < len(text):
        char = text[j]
        if char == "\\":
            out.append(text[j + 1 : j + 2])
            j += 2
            continue
        if char == '"':
            return "".join(out), j + 1
        out.append(char)
        j += 1
    raise ManifestError(f"unterminated quoted argument opened at line {lines.at(i)}")


def _arguments(text: str, i: int, lines: _Lines, start_line: int) -> tuple[tuple[_Arg, ...], int]:
    """Arguments of an invocation whose ``(`` is just before ``i``; returns them and the offset after ``)``."""
    args: list[_Arg] = []
    depth = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "#":
            i = _skip_comment(text, i, lines)
        elif char in "()":
            if char == ")" and depth == 0:
                return tuple(args), i + 1
            depth += 1 if char == "(" else -1
            i += 1
        elif char == '"':
            value, end = _quoted(text, i, lines)
            args.append(_Arg(value, lines.at(i), True))
            i = end
        elif char == "[" and _BRACKET_OPEN.match(text, i):
            value, end = _skip_bracket(text, i, lines, "argument")
            args.append(_Arg(value, lines.at(i), True))
            i = end
        else:
            match = _UNQUOTED_END.search(text, i)
            end = match.start() if match else len(text)
            args.append(_Arg(text[i:end], lines.at(i), False))
            i = end
    raise ManifestError(f"invocation opened at line {start_line} is missing its closing ')'")


def _commands(text: str) -> list[_Command]:
    lines = _Lines(text)
    commands: list[_Command] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "#":
            i = _skip_comment(text, i, lines)
        else:
            ident = _IDENT.match(text, i)
            if ident is None:
                raise ManifestError(f"unexpected {char!r} at line {lines.at(i)}, expected a command name")
            j = ident.end()
            while j < len(text) and text[j] in " \t":
                j += 1
            if j >= len(text) or text[j] != "(":
                raise ManifestError(f"command {ident.group(0)!r} at line {lines.at(i)} is not followed by '('")
            args, i = _arguments(text, j + 1, lines, lines.at(i))
            commands.append(_Command(ident.group(0).lower(), args, lines.at(ident.start())))
    return commands


_FIND_PACKAGE_WORDS = frozenset(
    {
        "EXACT",
        "QUIET",
        "MODULE",
        "CONFIG",
        "NO_MODULE",
        "GLOBAL",
        "NO_POLICY_SCOPE",
        "BYPASS_PROVIDER",
        "OPTIONAL_COMPONENTS",
        "NAMES",
        "CONFIGS",
        "HINTS",
        "PATHS",
        "PATH_SUFFIXES",
        "REGISTRY_VIEW",
    }
)
_LINK_KEYWORDS = frozenset(
    {
        "PRIVATE",
        "PUBLIC",
        "INTERFACE",
        "LINK_PUBLIC",
        "LINK_PRIVATE",
        "LINK_INTERFACE_LIBRARIES",
        "debug",
        "optimized",
        "general",
    }
)
_PKG_KEYWORDS = frozenset(
    {"REQUIRED", "QUIET", "IMPORTED_TARGET", "GLOBAL", "NO_CMAKE_PATH", "NO_CMAKE_ENVIRONMENT_PATH"}
)
_PKG_MODULE = re.compile(r"^([A-Za-z0-9_.+-]+?)\s*((?:[<>]?=|[<>]).*)?$")
# Case-sensitive on purpose: the CMake variable and emcc's settings are upper case, prose is not.
_WASM_FLAG = re.compile(r"-s\s*(?:WASM|USE_|STANDALONE_WASM|EXPORTED_FUNCTIONS|MODULARIZE)|\bEMSCRIPTEN\b")


def _find_package(cmd: _Command, path: str) -> Iterator[Dependency]:
    values = [a.value for a in cmd.args]
    if not values or "$" in values[0]:
        return
    notes: list[str] = []
    mode = ""
    for value in values[1:]:
        if value in ("REQUIRED", "COMPONENTS"):
            notes.append(value)
            mode = "components"
        elif value in _FIND_PACKAGE_WORDS:
            mode = ""
        elif mode == "components" or (not notes and re.match(r"^\d", value)):
            notes.append(value)
    yield Dependency(
        ecosystem="cmake",
        name=values[0],
        version=" ".join(notes),
        scope=Scope.RUNTIME,
        direct=True,
        path=path,
        line=cmd.line,
    )


def _pkg_check_modules(cmd: _Command, path: str) -> Iterator[Dependency]:
    for arg in cmd.args[1:]:
        for word in arg.value.split():
            module = _PKG_MODULE.match(word)
            if word in _PKG_KEYWORDS or "$" in word or module is None:
                continue
            yield Dependency(
                ecosystem="cmake",
                name=module.group(1),
                version=module.group(2) or "",
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=arg.line,
            )


def _link_libraries(cmd: _Command, path: str, defined: set[str]) -> Iterator[Dependency]:
    args = cmd.args[1:] if cmd.name == "target_link_libraries" else cmd.args
    for arg in args:
        value = arg.value.strip()
        if (
            not value
            or value in _LINK_KEYWORDS
            or value.startswith("-")
            or "$" in value
            or "/" in value
            or value in defined
            or any(c.isspace() for c in value)
        ):
            continue
        yield Dependency(
            ecosystem="cmake", name=value, version="", scope=Scope.RUNTIME, direct=True, path=path, line=arg.line
        )


def _fetched(cmd: _Command, path: str) -> Iterator[Dependency]:
    values = [a.value for a in cmd.args]
    if cmd.name == "cpmaddpackage" and len(values) == 1:
        spec = values[0].split(":", 1)[-1]
        name, _, version = spec.partition("#")
        if "@" in name:
            name, _, version = name.partition("@")
        yield Dependency(
            ecosystem="cmake",
            name=name.rsplit("/", 1)[-1],
            version=version,
            scope=Scope.RUNTIME,
            direct=True,
            path=path,
            line=cmd.line,
        )
        return
    if cmd.name == "cpmaddpackage" and values[:1] == ["NAME"]:
        values = values[1:]
    version = next((values[values.index(k) + 1] for k in ("GIT_TAG", "VERSION") if k in values[1:-1]), "")
    if values and "$" not in values[0]:
        yield Dependency(
            ecosystem="cmake",
            name=values[0],
            version=version,
            scope=Scope.RUNTIME,
            direct=True,
            path=path,
            line=cmd.line,
        )


_MCU_PROCESSOR = re.compile(r"(cortex-[mr]\d|armv[678](?:\.\d)?e?-?[mr]\b|arm-none-eabi)")
"""CMAKE_SYSTEM_PROCESSOR values of bare-metal cores (Cortex-M/R and the ARMv6-M/v7-M/v8-M profiles)."""


def _target_signals(commands: list[_Command], path: str) -> Iterator[Dependency]:
    """Emscripten and bare-metal build targets, one record each at their first sign."""
    found: dict[str, int] = {}
    for cmd in commands:
        values = [a.value for a in cmd.args]
        first = values[0] if values else ""
        rest = " ".join(values[1:])
        if cmd.name == "set" and first == "CMAKE_TOOLCHAIN_FILE" and "emscripten" in rest.lower():
            found.setdefault("emscripten", cmd.line)
        if _WASM_FLAG.search(" ".join(values)):
            found.setdefault("emscripten", cmd.line)
        generic = first == "CMAKE_SYSTEM_NAME" and rest.strip() == "Generic"
        # A microcontroller core (cortex-m4, armv7e-m), not any ARM: arm64/aarch64/armv7 are phones and servers.
        arm = first == "CMAKE_SYSTEM_PROCESSOR" and _MCU_PROCESSOR.match(rest.strip().lower()) is not None
        if cmd.name == "set" and (generic or arm):
            found.setdefault("bare-metal", cmd.line)
    for name, line in sorted(found.items(), key=lambda item: item[1]):
        yield Dependency(
            ecosystem="target", name=name, version="", scope=Scope.BUILD, direct=True, path=path, line=line
        )


def parse_cmake(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Packages, linked libraries, fetched sources and build targets of a CMakeLists.txt."""
    commands = _commands(text)
    defined = {c.args[0].value for c in commands if c.name in ("add_library", "add_executable") and c.args}
    deps: list[Dependency] = []
    linked: set[str] = set()
    for cmd in commands:
        if cmd.name == "find_package":
            deps.extend(_find_package(cmd, path))
        elif cmd.name in ("pkg_check_modules", "pkg_search_module"):
            deps.extend(_pkg_check_modules(cmd, path))
        elif cmd.name in ("target_link_libraries", "link_libraries"):
            # A library linked into several targets is one dependency, reported where first linked.
            for dep in _link_libraries(cmd, path, defined):
                if dep.name not in linked:
                    linked.add(dep.name)
                    deps.append(dep)
        elif cmd.name in ("fetchcontent_declare", "externalproject_add", "cpmaddpackage"):
            deps.extend(_fetched(cmd, path))
    deps.extend(_target_signals(commands, path))
    return ManifestResult(dependencies=tuple(deps))


# --- Conan ----------------------------------------------------------------------------------------

_CONAN_SCOPES = {
    "requires": Scope.RUNTIME,
    "tool_requires": Scope.BUILD,
    "build_requires": Scope.BUILD,
    "test_requires": Scope.TEST,
}


def parse_conanfile(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``[requires]`` and ``[tool_requires]`` references of a conanfile.txt."""
    deps: list[Dependency] = []
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if section is None:
            raise ManifestError(f"line {number}: {line!r} appears before any [section]")
        scope = _CONAN_SCOPES.get(section)
        if scope is None:
            continue
        name, slash, rest = line.partition("/")
        if not slash or not name or not rest:
            raise ManifestError(f"line {number}: {line!r} is not a name/version reference")
        version = re.split(r"[@#]", rest, maxsplit=1)[0]
        deps.append(
            Dependency(
                ecosystem="conan",
                name=name.strip(),
                version=version.strip(),
                scope=scope,
                direct=True,
                path=path,
                line=number,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- vcpkg ----------------------------------------------------------------------------------------


def parse_vcpkg(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``dependencies`` of a vcpkg.json manifest; host dependencies (build tools) are build scope."""
    entries = load_json_object(text, posixpath.basename(path)).get("dependencies", [])
    if not isinstance(entries, list):
        raise ManifestError("'dependencies' is not a list")
    cursor = max(text.find('"dependencies"'), 0)
    lines = _Lines(text)
    deps: list[Dependency] = []
    for entry in entries:
        if isinstance(entry, str):
            name, host, version = entry, False, ""
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            name, host, version = entry["name"], entry.get("host") is True, str(entry.get("version>=", ""))
        else:
            raise ManifestError(f"dependency entry {entry!r:.60} has no name")
        found = text.find(json.dumps(name, ensure_ascii=False), cursor)
        line = lines.at(found) if found >= 0 else 0
        cursor = found + 1 if found >= 0 else cursor
        deps.append(
            Dependency(
                ecosystem="vcpkg",
                name=name,
                version=version,
                scope=Scope.BUILD if host else Scope.RUNTIME,
                direct=True,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- PlatformIO -----------------------------------------------------------------------------------

_PIO_KEYS = {"platform": Scope.BUILD, "board": Scope.BUILD, "framework": Scope.RUNTIME}


def _pio_library(item: str) -> tuple[str, str]:
    """(name, version) of one lib_deps item: ``owner/Name@^1.2``, ``Name``, ``Name=URL`` or a URL."""
    if "=" in item and "://" in item.split("=", 1)[1]:
        return item.split("=", 1)[0].strip(), ""
    if "://" in item:
        url, _, fragment = item.partition("#")
        return url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git"), fragment
    name, _, version = item.partition("@")
    return name.strip(), version.strip()


def _section_lines(lines: list[str]) -> dict[str, int]:
    starts: dict[str, int] = {}
    for number, raw in enumerate(lines, 1):
        header = re.match(r"^\[([^\]]+)\]", raw)
        if header:
            starts.setdefault(header.group(1).strip(), number)
    return starts


def _line_of(lines: list[str], start: int, item: str) -> int:
    """First line from ``start`` (1-based) that contains ``item``; ``start`` itself when none does."""
    for number in range(max(start, 1), len(lines) + 1):
        if item in lines[number - 1]:
            return number
    return start


def parse_platformio(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``lib_deps`` and the platform, framework and board of every ``[env]`` section."""
    parser = load_ini(text, "platformio.ini", inline_comments=(";",))
    lines = text.splitlines()
    starts = _section_lines(lines)
    seen: set[tuple[str, str]] = set()
    deps: list[Dependency] = []
    for section in parser.sections():
        if section != "env" and not section.startswith("env:"):
            continue
        start = starts.get(section, 0)
        items = [("lib_deps", i) for i in re.split(r"[\n,]", parser.get(section, "lib_deps", fallback=""))]
        for key in _PIO_KEYS:
            items += [(key, v) for v in parser.get(section, key, fallback="").split(",")]
        # Items of one key come in file order: each search starts where the previous one matched.
        cursor = {key: start for key in ("lib_deps", *_PIO_KEYS)}
        for key, raw in items:
            item = raw.strip()
            if not item or item.startswith("${"):
                continue
            cursor[key] = _line_of(lines, cursor[key], item)
            name, version = _pio_library(item)
            full = name if key == "lib_deps" else f"{key}:{name}"
            if (full, version) in seen:
                continue
            seen.add((full, version))
            scope = _PIO_KEYS.get(key, Scope.RUNTIME)
            deps.append(
                Dependency(
                    ecosystem="platformio",
                    name=full,
                    version=version,
                    scope=scope,
                    direct=True,
                    path=path,
                    line=cursor[key],
                )
            )
    return ManifestResult(dependencies=tuple(deps))
