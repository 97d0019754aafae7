"""JVM manifests: Maven ``pom.xml`` and Gradle build scripts (Groovy and Kotlin DSL).

The POM is read with defusedxml, which refuses DTDs and entities, so a billion-laughs or external-entity
file becomes a ``ManifestError`` instead of a hang or a file read. ElementTree keeps no line numbers,
so lines are found again in the text: the n-th ``<dependency>`` opening tag of the comment-free text is
the n-th dependency element of the tree. Gradle scripts are programs, not data; they are read line by
line with a few anchored patterns that cover the usual declaration forms, and never evaluated.
"""

from __future__ import annotations

import bisect
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read.xmldoc import load_xml
from analyzer.model import Dependency, ManifestResult, Scope

_ECOSYSTEM = "maven"
_PROPERTY = re.compile(r"\$\{([^}]{1,200})\}")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MAVEN_SCOPES = {"test": Scope.TEST, "provided": Scope.BUILD}
_ARTIFACT = re.compile(r"<(?:[\w.-]{1,64}:)?artifactId>([^<]*)<")


def _local(tag: object) -> str:
    """Tag name without its ``{namespace}``: POMs come with and without the Maven namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(elem: ET.Element, name: str) -> str:
    for child in elem:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _child(elem: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in elem if _local(c.tag) == name), None)


def _blank_comments(text: str) -> str:
    """Replace XML comments by spaces, keeping newlines, so positions and lines stay true."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _tag_offsets(text: str, name: str) -> list[int]:
    """Offsets of every ``<name`` opening tag (any namespace prefix), comments excluded."""
    pattern = re.compile(r"<(?:[\w.-]{1,64}:)?" + re.escape(name) + r"(?=[\s/>])")
    return [m.start() for m in pattern.finditer(_blank_comments(text))]


class _Lines:
    """Offset → 1-based line, by bisection over the newline offsets (big POMs have thousands of lookups)."""

    def __init__(self, text: str) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1


def _properties(project: ET.Element) -> dict[str, str]:
    props: dict[str, str] = {}
    version = _child_text(project, "version")
    parent = _child(project, "parent")
    parent_version = _child_text(parent, "version") if parent is not None else ""
    for key, value in (
        ("project.version", version or parent_version),
        ("project.parent.version", parent_version),
        ("project.groupId", _child_text(project, "groupId")),
    ):
        if value:
            props[key] = value
    props["pom.version"] = props.get("project.version", "")
    block = _child(project, "properties")
    for prop in block if block is not None else ():
        props[_local(prop.tag)] = (prop.text or "").strip()
    return props


def _resolve(value: str, props: dict[str, str]) -> str:
    """Substitute ``${name}`` from properties; a few rounds for properties defined by properties."""
    for _ in range(5):
        new = _PROPERTY.sub(lambda m: props.get(m.group(1), m.group(0)), value)
        if new == value:
            break
        value = new
    return value


def _ancestors(elem: ET.Element, parents: dict[ET.Element, ET.Element], depth: int) -> list[str]:
    names: list[str] = []
    current = parents.get(elem)
    while current is not None and len(names) < depth:
        names.append(_local(current.tag))
        current = parents.get(current)
    return names


def _dependency_kind(up: list[str]) -> str | None:
    """Where a ``<dependency>`` sits: normal, managed, plugin (a plugin's own dependency) or None."""
    if not up or up[0] != "dependencies" or len(up) < 2:
        return None
    if up[1] in ("project", "profile"):
        return "normal"
    if up[1] == "dependencyManagement":
        return "managed"
    if up[1] == "plugin":
        return "plugin"
    return None


def _find_line(text: str, lines: _Lines, start: int | None, artifact: str) -> int:
    """Line of an element's artifactId, searched from its opening tag (from the top if unknown)."""
    for match in _ARTIFACT.finditer(text, start or 0):
        if match.group(1).strip() == artifact:
            return lines.at(match.start())
    return lines.at(start) if start is not None else 0


def parse_pom(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Dependencies, managed dependencies, plugins and modules of a Maven POM."""
    root = load_xml(text)
    if _local(root.tag) != "project":
        raise ManifestError(f"root element is <{_local(root.tag)}>, not <project>")
    props = _properties(root)
    lines = _Lines(text)
    parents = {child: parent for parent in root.iter() for child in parent}
    offsets = {name: _tag_offsets(text, name) for name in ("dependency", "plugin")}
    counts = {name: sum(1 for e in root.iter() if _local(e.tag) == name) for name in ("dependency", "plugin")}
    seen = {"dependency": 0, "plugin": 0}
    deps: list[Dependency] = []
    for elem in root.iter():
        name = _local(elem.tag)
        if name not in seen:
            continue
        index = seen[name]
        seen[name] += 1
        up = _ancestors(elem, parents, 3)
        if name == "dependency":
            kind = _dependency_kind(up)
            scope = Scope.BUILD if kind == "plugin" else _MAVEN_SCOPES.get(_child_text(elem, "scope"), Scope.RUNTIME)
        else:
            kind = "plugin" if up[:1] == ["plugins"] else None
            scope = Scope.BUILD
        artifact = _child_text(elem, "artifactId")
        if kind is None or not artifact:
            continue
        group = _child_text(elem, "groupId") or ("org.apache.maven.plugins" if name == "plugin" else "")
        start = offsets[name][index] if len(offsets[name]) == counts[name] else None
        line = _find_line(text, lines, start, artifact)
        deps.append(
            Dependency(
                ecosystem=_ECOSYSTEM,
                name=f"{_resolve(group, props)}:{_resolve(artifact, props)}",
                version=_resolve(_child_text(elem, "version"), props),
                scope=scope,
                direct=True,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps), workspace_members=_modules(root))


def _modules(root: ET.Element) -> tuple[str, ...]:
    members: list[str] = []
    for elem in root.iter():
        if _local(elem.tag) == "modules":
            members.extend((m.text or "").strip() for m in elem if _local(m.tag) == "module" and (m.text or "").strip())
    return tuple(dict.fromkeys(members))


# --- Gradle -------------------------------------------------------------------------------------

_GRADLE_SCOPES = {
    "implementation": Scope.RUNTIME,
    "api": Scope.RUNTIME,
    "compile": Scope.RUNTIME,
    "runtimeOnly": Scope.RUNTIME,
    "runtime": Scope.RUNTIME,
    "compileOnly": Scope.BUILD,
    "compileOnlyApi": Scope.BUILD,
    "annotationProcessor": Scope.BUILD,
    "kapt": Scope.BUILD,
    "ksp": Scope.BUILD,
    "classpath": Scope.BUILD,
    "developmentOnly": Scope.DEV,
    "debugImplementation": Scope.DEV,
}
_VARIANT_SUFFIX = re.compile(
    r"^([a-z][A-Za-z0-9]{0,60}?)(Implementation|Api|CompileOnly|RuntimeOnly|AnnotationProcessor)$"
)
_DECLARATION = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]{0,80})\s*(?:\(\s*|\s+)(.*)$")
_WRAPPER = re.compile(r"^(?:platform|enforcedPlatform|testFixtures)\s*\(\s*")
_QUOTED = re.compile(r"""^["']([^"'\s]+)["']""")
_CATALOG = re.compile(r"^(libs(?:\.[A-Za-z0-9_-]{1,80}){1,6})\b")
_KOTLIN_MODULE = re.compile(r"""^kotlin\s*\(\s*["']([\w.-]+)["']""")
_NAMED_ARG = re.compile(r"""\b(group|name|version)\s*[:=]\s*["']([^"']*)["']""")
_PLUGIN_ID = re.compile(
    r"""(?:^|[\s{;])id\s*(?:\(\s*)?["']([\w.-]+)["']\s*\)?"""
    r"""(?:\s*version\s*(?:\(\s*)?["']([^"']*)["'])?"""
)
_PLUGIN_KOTLIN = re.compile(r"""(?:^|[\s{;])kotlin\s*\(\s*["']([\w.-]+)["']\s*\)(?:\s*version\s*["']([^"']*)["'])?""")
_PLUGIN_ALIAS = re.compile(r"""(?:^|[\s{;])alias\s*\(\s*(libs\.plugins(?:\.[\w-]{1,80}){1,6})\s*\)""")
_APPLY_PLUGIN = re.compile(r"""\bapply\s*(?:\(\s*)?plugin\s*[:=]\s*["']([\w.-]+)["']""")
_PLUGINS_OPEN = re.compile(r"^\s*plugins\s*\{")


def _gradle_scope(config: str) -> Scope | None:
    if config in _GRADLE_SCOPES:
        return _GRADLE_SCOPES[config]
    lowered = config.lower()
    if lowered.startswith(("test", "androidtest", "integrationtest", "kapttest", "kaptandroidtest")):
        return Scope.TEST
    variant = _VARIANT_SUFFIX.match(config)
    if variant:
        return Scope.TEST if "test" in variant.group(1).lower() else Scope.RUNTIME
    return None


def _notation(rest: str) -> tuple[str, str] | None:
    """(name, version) of the dependency notation that follows a configuration name."""
    rest = _WRAPPER.sub("", rest.strip())
    quoted = _QUOTED.match(rest)
    if quoted:
        parts = quoted.group(1).split("@", 1)[0].split(":")
        if len(parts) < 2 or "/" in parts[0] + parts[1]:
            return None  # not group:artifact coordinates (a URL, a file path)
        return f"{parts[0]}:{parts[1]}", parts[2] if len(parts) > 2 else ""
    kotlin = _KOTLIN_MODULE.match(rest)
    if kotlin:
        return f"org.jetbrains.kotlin:kotlin-{kotlin.group(1)}", ""
    catalog = _CATALOG.match(rest)
    if catalog:
        return f"catalog:{catalog.group(1)}", ""
    named = {m.group(1): m.group(2) for m in _NAMED_ARG.finditer(rest)}
    if "name" in named:
        return f"{named.get('group', '')}:{named['name']}", named.get("version", "")
    return None


def _code_lines(text: str) -> Iterator[tuple[int, str, int]]:
    """(line number, code with comments and string contents kept, brace delta) for each line.

    Strings are skipped when counting braces (GStrings hold ``${...}``); ``//`` and ``/* */`` comments
    are dropped. An unterminated block comment is malformed input.
    """
    in_block = 0
    for number, raw in enumerate(text.splitlines(), 1):
        code: list[str] = []
        delta, i, quote = 0, 0, ""
        while i < len(raw):
            pair = raw[i : i + 2]
            if in_block:
                if pair == "*/":
                    in_block, i = 0, i + 2
                    continue
            elif quote:
                code.append(raw[i])
                if raw[i] == "\\":
                    code.append(raw[i + 1 : i + 2])
                    i += 1
                elif raw[i] == quote:
                    quote = ""
            elif pair == "//":
                break
            elif pair == "/*":
                in_block, i = number, i + 2
                continue
            else:
                code.append(raw[i])
                quote = raw[i] if raw[i] in "\"'" else ""
                delta += {"{": 1, "}": -1}.get(raw[i], 0)
            i += 1
        yield number, "".join(code), delta
    if in_block:
        raise ManifestError(f"unterminated /* comment opened at line {in_block}")


def _plugin_deps(code: str, path: str, line: int) -> Iterator[Dependency]:
    for match in _PLUGIN_ID.finditer(code):
        yield Dependency(
            ecosystem=_ECOSYSTEM,
            name=f"plugin:{match.group(1)}",
            version=match.group(2) or "",
            scope=Scope.BUILD,
            direct=True,
            path=path,
            line=line,
        )
    for match in _PLUGIN_KOTLIN.finditer(code):
        name = f"plugin:org.jetbrains.kotlin.{match.group(1)}"
        yield Dependency(
            ecosystem=_ECOSYSTEM,
            name=name,
            version=match.group(2) or "",
            scope=Scope.BUILD,
            direct=True,
            path=path,
            line=line,
        )
    for match in _PLUGIN_ALIAS.finditer(code):
        yield Dependency(
            ecosystem=_ECOSYSTEM,
            name=f"catalog:{match.group(1)}",
            version="",
            scope=Scope.BUILD,
            direct=True,
            path=path,
            line=line,
        )


def parse_gradle(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Dependencies and plugins of a ``build.gradle`` or ``build.gradle.kts``, best effort."""
    deps: list[Dependency] = []
    opened: list[int] = []
    plugins_depth: int | None = None
    for number, code, delta in _code_lines(text):
        if plugins_depth is None and _PLUGINS_OPEN.match(code):
            plugins_depth = len(opened)
        if plugins_depth is not None:
            deps.extend(_plugin_deps(code, path, number))
        else:
            deps.extend(_declarations(code, path, number))
        for match in _APPLY_PLUGIN.finditer(code):
            deps.append(
                Dependency(
                    ecosystem=_ECOSYSTEM,
                    name=f"plugin:{match.group(1)}",
                    version="",
                    scope=Scope.BUILD,
                    direct=True,
                    path=path,
                    line=number,
                )
            )
        if delta > 0:
            opened.extend([number] * delta)
        elif delta < 0:
            if -delta > len(opened):
                raise ManifestError(f"unbalanced '}}' at line {number}")
            del opened[delta:]
        if plugins_depth is not None and len(opened) <= plugins_depth:
            plugins_depth = None
    if opened:
        raise ManifestError(f"'{{' opened at line {opened[-1]} is never closed")
    return ManifestResult(dependencies=tuple(deps))


def _declarations(code: str, path: str, line: int) -> Iterator[Dependency]:
    match = _DECLARATION.match(code)
    if not match:
        return
    scope = _gradle_scope(match.group(1))
    found = _notation(match.group(2)) if scope is not None else None
    if scope is not None and found is not None:
        yield Dependency(
            ecosystem=_ECOSYSTEM, name=found[0], version=found[1], scope=scope, direct=True, path=path, line=line
        )
