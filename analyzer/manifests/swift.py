"""Swift and Objective-C manifests: ``Package.swift``, ``Package.resolved``, ``Podfile`` and ``Podfile.lock``.

``Package.swift`` and the ``Podfile`` are programs (Swift and Ruby); they are never run. Comments are
blanked by a small scanner that keeps every offset, so a declaration's line is where it stands, and the
``.package(...)`` calls or ``pod`` lines are read with anchored patterns. A SwiftPM package is named
after the last segment of its repository URL, lower-cased and without ``.git``: that is the identity
SwiftPM itself derives, and it is the name ``Package.resolved`` (v2 and later) records. The lockfiles
are data (JSON and YAML); every package they pin is reported as transitive.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from typing import Any

import yaml

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read import yamldoc
from analyzer.manifests._read.jsondoc import load_json_object
from analyzer.manifests._read.text import blank_slash_comments, bracket_pairs
from analyzer.model import Dependency, Diagnostic, ManifestResult, Scope, Severity

_SWIFTPM = "swiftpm"
_PODS = "cocoapods"
_PACKAGE_CALL = re.compile(r"\.package\s*\(")
_ARG = re.compile(r'\b(url|path|id|from|exact|branch|revision)\s*:\s*"([^"\n]*)"')
_RANGE = re.compile(r'"([^"\n]*)"\s*(\.\.[.<])\s*"([^"\n]*)"')
_LEGACY = re.compile(r'\.(exact|branch|revision)\s*\(\s*"([^"\n]*)"')
_UP_TO = re.compile(r'\.upToNext(Major|Minor)\s*\(\s*from\s*:\s*"([^"\n]*)"')


def _lines_of(text: str) -> list[int]:
    return [m.start() for m in re.finditer("\n", text)]


def _line_at(newlines: list[int], offset: int) -> int:
    return bisect.bisect_left(newlines, offset) + 1


def repo_identity(url: str) -> str:
    """SwiftPM's identity of a repository URL: its last path segment, lower-cased, without ``.git``."""
    segment = re.split(r"[/:]", url.strip().rstrip("/"))[-1]
    segment = segment[:-4] if segment.lower().endswith(".git") else segment
    return segment.lower()


def _requirement(body: str) -> str:
    """The version requirement of one ``.package(...)`` call, as written."""
    up_to = _UP_TO.search(body)
    if up_to:
        return f"upToNext{up_to.group(1)}:{up_to.group(2)}"
    span = _RANGE.search(body)
    if span:
        return f"{span.group(1)}{span.group(2)}{span.group(3)}"
    args = {m.group(1): m.group(2) for m in _ARG.finditer(body)}
    args.update((m.group(1), m.group(2)) for m in _LEGACY.finditer(body))
    for kind in ("from", "exact", "branch", "revision"):
        if kind in args:
            return f"{kind}:{args[kind]}"
    return ""


def parse_package_swift(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Remote packages of a SwiftPM manifest: ``.package(url:)`` and ``.package(id:)``; local paths skipped."""
    del ctx
    code = blank_slash_comments(text)
    if not re.search(r"\bPackage\s*\(", code):
        raise ManifestError("no Package(...) declaration: not a SwiftPM manifest")
    newlines = _lines_of(code)
    pairs = bracket_pairs(code)
    deps: list[Dependency] = []
    diags: list[Diagnostic] = []
    for match in _PACKAGE_CALL.finditer(code):
        line = _line_at(newlines, match.start())
        if match.end() - 1 not in pairs:
            continue  # ".package(" inside a string literal
        body = code[match.end() : pairs[match.end() - 1]]
        args = {m.group(1): m.group(2) for m in _ARG.finditer(body)}
        if "url" in args:
            name = repo_identity(args["url"])
        elif "id" in args:
            name = args["id"].lower()  # registry identity, scope.name
        elif "path" in args:
            continue  # a local package is part of this repository, not a third-party dependency
        else:
            diags.append(
                Diagnostic(
                    path=path,
                    message=f"line {line}: .package(...) without url:, id: or path: is not counted",
                    severity=Severity.WARNING,
                    stage="manifests",
                )
            )
            continue
        deps.append(
            Dependency(
                ecosystem=_SWIFTPM,
                name=name,
                version=_requirement(body),
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps), diagnostics=tuple(diags))


# --- Package.resolved ---------------------------------------------------------------------------


def _pins(doc: dict[str, Any]) -> list[Any]:
    """The pins of any format version: v1 nests them under ``object``, v2 and v3 keep them on top."""
    holder = doc.get("object", doc) if doc.get("version") == 1 else doc
    pins = holder.get("pins") if isinstance(holder, dict) else None
    if not isinstance(pins, list):
        raise ManifestError("Package.resolved has no 'pins' list")
    return pins


def _pin_version(state: object) -> str:
    if not isinstance(state, dict):
        return ""
    for key, prefix in (("version", ""), ("branch", "branch:"), ("revision", "revision:")):
        if isinstance(state.get(key), str):
            return prefix + str(state[key])
    return ""


def parse_package_resolved(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every package pinned in a Package.resolved (format 1, 2 or 3), all marked transitive."""
    del ctx
    doc = load_json_object(text, "Package.resolved")
    newlines = _lines_of(text)
    cursor = 0
    deps: list[Dependency] = []
    for number, pin in enumerate(_pins(doc), 1):
        if not isinstance(pin, dict):
            raise ManifestError(f"Package.resolved: pin #{number} is not an object")
        url = pin.get("location", pin.get("repositoryURL"))
        if not isinstance(url, str):
            raise ManifestError(f"Package.resolved: pin #{number} has no location or repositoryURL")
        if pin.get("kind") == "fileSystem":
            continue
        identity = pin.get("identity")
        name = identity.lower() if isinstance(identity, str) else repo_identity(url)
        found = text.find(json.dumps(url)[1:-1], cursor)
        cursor = found if found >= 0 else cursor
        line = _line_at(newlines, found) if found >= 0 else 0
        deps.append(
            Dependency(
                ecosystem=_SWIFTPM,
                name=name,
                version=_pin_version(pin.get("state")),
                scope=Scope.RUNTIME,
                direct=False,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- Podfile ------------------------------------------------------------------------------------

_POD = re.compile(r"""^\s*pod\s*(?:\(\s*)?(['"])([^'"\s]+)\1(.*)$""")
_VERSION_ARG = re.compile(r"""^\s*,\s*(['"])([^'"]*)\1""")
_OPTION = re.compile(r""":?(git|path|podspec|configurations?)\s*(?:=>|:)\s*(\[[^\]]*\]|(['"])[^'"]*\3)""")
_TARGET = re.compile(r"""^\s*(?:abstract_)?target\s*(?:\(\s*)?(['"])([^'"]+)\1.*\bdo(?:\s*\|[^|]*\|)?\s*$""")
_DO_BLOCK = re.compile(r"\bdo(?:\s*\|[^|]*\|)?\s*$")
_KEYWORD_BLOCK = re.compile(r"^\s*(?:if|unless|def|while|until|case|begin|class|module)\b")
_END = re.compile(r"^\s*end\b")
_TEST_TARGET = re.compile(r"tests?$|specs?$", re.IGNORECASE)
_DEBUG_CONFIG = re.compile(r"debug|dev", re.IGNORECASE)


def _strip_ruby_comment(line: str) -> str:
    """The line without its ``#`` comment (a ``#`` inside quotes is kept)."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[:i]
    return line


def _pod_dependency(match: re.Match[str], scope: Scope, path: str, line: int) -> Dependency:
    rest = match.group(3)
    versions: list[str] = []
    while (arg := _VERSION_ARG.match(rest)) is not None and not rest[arg.end() :].lstrip().startswith(("=>", ":")):
        versions.append(arg.group(2))
        rest = rest[arg.end() :]
    options = {m.group(1): m.group(2) for m in _OPTION.finditer(match.group(3))}
    configs = options.get("configurations", options.get("configuration"))
    if configs is not None:
        names = re.findall(r"""['"]([^'"]+)['"]""", configs)
        if names and all(_DEBUG_CONFIG.search(n) for n in names):
            scope = Scope.DEV
    version = ", ".join(versions)
    for source in ("git", "path", "podspec"):
        if source in options and not version:
            version = f"{source}:{options[source].strip(chr(39) + chr(34))}"
    return Dependency(
        ecosystem=_PODS, name=match.group(2), version=version, scope=scope, direct=True, path=path, line=line
    )


def _podfile_lines(text: str) -> Iterator[tuple[int, str, Scope]]:
    """(line, code, scope of the enclosing target) of each line, with Ruby blocks tracked."""
    stack: list[tuple[int, bool]] = []  # (line opened, whether it is inside a test target): O(1) per line
    for number, raw in enumerate(text.splitlines(), 1):
        code = _strip_ruby_comment(raw)
        if _END.match(code):
            if not stack:
                raise ManifestError(f"line {number}: 'end' without an open block")
            stack.pop()
            continue
        in_test = bool(stack) and stack[-1][1]
        yield number, code, Scope.TEST if in_test else Scope.RUNTIME
        target = _TARGET.match(code)
        if target:
            stack.append((number, in_test or bool(_TEST_TARGET.search(target.group(2)))))
        elif _DO_BLOCK.search(code) or (_KEYWORD_BLOCK.match(code) and not re.search(r"\bend\s*$", code)):
            stack.append((number, in_test))
    if stack:
        raise ManifestError(f"line {stack[-1][0]}: block opened here is never closed with 'end'")


def parse_podfile(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``pod`` declarations of a CocoaPods Podfile; test targets and Debug-only pods weigh less."""
    del ctx
    deps: list[Dependency] = []
    for number, code, scope in _podfile_lines(text):
        match = _POD.match(code)
        if match:
            deps.append(_pod_dependency(match, scope, path, number))
    return ManifestResult(dependencies=tuple(deps))


# --- Podfile.lock -------------------------------------------------------------------------------

_LOCKED_POD = re.compile(r"^(\S+)(?:\s+\(([^)]*)\))?$")


def parse_podfile_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every pod of a Podfile.lock's ``PODS`` section (subspecs included), all marked transitive."""
    del ctx
    root = yamldoc.compose(text, "Podfile.lock")
    pods = next((value for key, _, value in yamldoc.entries(root, "Podfile.lock") if key == "PODS"), None)
    if not isinstance(pods, yaml.SequenceNode):
        raise ManifestError("Podfile.lock has no PODS list")
    deps: list[Dependency] = []
    for item in pods.value:
        entry = item.value[0][0] if isinstance(item, yaml.MappingNode) and item.value else item
        label = yamldoc.scalar(entry)
        match = _LOCKED_POD.match(label.strip()) if label is not None else None
        if match is None:
            raise ManifestError(f"line {item.start_mark.line + 1}: PODS entry is not 'Name (version)'")
        line = entry.start_mark.line + 1
        deps.append(
            Dependency(
                ecosystem=_PODS,
                name=match.group(1),
                version=match.group(2) or "",
                scope=Scope.RUNTIME,
                direct=False,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))
