"""Game-engine project files: Unity, Godot and Unreal.

Each engine names itself in a project file, with its version: Unity's ``ProjectSettings/ProjectVersion.txt``
(``unity`` / ``editor``) and ``Packages/manifest.json`` (its packages, ``unity`` / ``com.unity.*``), Godot's
``project.godot`` (``godot`` / ``engine``, plus its autoloads and editor plugins) and Unreal's ``*.uproject``
(``unreal`` / ``engine``) and ``*.uplugin`` (``unreal`` / ``plugin:X`` and ``module:X``). Only an Unreal
*project* names the engine: a plugin's own file would otherwise count the engine a second time.
"""

from __future__ import annotations

import json
import posixpath
import re

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read.jsondoc import load_json_object
from analyzer.model import Dependency, ManifestResult, Scope

# Unity packages that only serve tests or the editor's IDE integration weigh as dev/test dependencies.
_UNITY_TEST = ("com.unity.test-framework", "com.unity.test-framework.performance")
_UNITY_DEV = ("com.unity.ide.*", "com.unity.collab-proxy", "com.unity.performance.profile-analyzer")
_UNREAL_DEV_MODULES = frozenset(
    {"Editor", "EditorNoCommandlet", "UncookedOnly", "Developer", "DeveloperTool", "Program"}
)


class _Cursor:
    """Finds the lines of successive JSON strings in file order (``json`` keeps no positions)."""

    def __init__(self, text: str, start: str = "") -> None:
        self._text = text
        self._offset = max(text.find(start), 0) if start else 0

    def line(self, value: str) -> int:
        found = self._text.find(json.dumps(value, ensure_ascii=False), self._offset)
        if found < 0:
            return 0
        self._offset = found + 1
        return self._text.count("\n", 0, found) + 1


def parse_unity_version(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``m_EditorVersion`` of ProjectSettings/ProjectVersion.txt: the Unity editor the project is made with."""
    for number, line in enumerate(text.splitlines(), 1):
        key, colon, value = line.partition(":")
        if colon and key.strip() == "m_EditorVersion" and value.strip():
            return ManifestResult(
                dependencies=(
                    Dependency(
                        ecosystem="unity",
                        name="editor",
                        version=value.strip(),
                        scope=Scope.RUNTIME,
                        direct=True,
                        path=path,
                        line=number,
                    ),
                )
            )
    raise ManifestError("no 'm_EditorVersion:' line, so the Unity version is unknown")


def _unity_scope(name: str, testables: set[str]) -> Scope:
    if name in _UNITY_TEST or name in testables:
        return Scope.TEST
    if any(re.fullmatch(pattern.replace(".", r"\.").replace("*", ".*"), name) for pattern in _UNITY_DEV):
        return Scope.DEV
    return Scope.RUNTIME


def parse_unity_manifest(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``dependencies`` of a Unity Packages/manifest.json (registry names, versions, git URLs or file: paths)."""
    data = load_json_object(text, posixpath.basename(path))
    entries = data.get("dependencies", {})
    testables = data.get("testables", [])
    if not isinstance(entries, dict):
        raise ManifestError("'dependencies' is not an object")
    if not isinstance(testables, list):
        raise ManifestError("'testables' is not a list")
    cursor = _Cursor(text, '"dependencies"')
    deps = []
    for name, version in entries.items():
        if not isinstance(version, str):
            raise ManifestError(f"package {name!r} has a version that is not a string")
        scope = _unity_scope(name, {str(t) for t in testables})
        deps.append(
            Dependency(
                ecosystem="unity",
                name=name,
                version=version,
                scope=scope,
                direct=True,
                path=path,
                line=cursor.line(name),
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- Godot ----------------------------------------------------------------------------------------

_GODOT_BY_CONFIG = {"5": "4", "4": "3", "3": "2"}
"""Engine major version by ``config_version`` when ``config/features`` does not say."""
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _balance(line: str, in_string: bool) -> tuple[int, bool]:
    """Brackets opened minus closed on a line outside strings, and whether a string is still open after it."""
    depth, escaped = 0, False
    for char in line:
        if in_string:
            escaped, in_string = (not escaped and char == "\\"), in_string and (escaped or char != '"')
        elif char == '"':
            in_string = True
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
    return depth, in_string


def _godot_entries(text: str) -> list[tuple[str, str, str, int]]:
    """(section, key, value, line) of every entry; a value spans lines while a bracket or string is open."""
    entries: list[tuple[str, str, str, int]] = []
    section, pending, depth, in_string = "", None, 0, False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if pending is not None:
            pending[2].append(raw)
        elif not line or line.startswith(";"):
            continue
        elif line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        elif "=" in line:
            key, _, value = line.partition("=")
            pending = (key.strip(), number, [value.strip()])
        else:
            raise ManifestError(f"line {number}: {line[:60]!r} is neither a [section] nor a key=value entry")
        delta, in_string = _balance(raw if len(pending[2]) > 1 else pending[2][0], in_string)
        depth += delta
        if depth <= 0 and not in_string:
            entries.append((section, pending[0], "\n".join(pending[2]), pending[1]))
            pending, depth = None, 0
    if pending is not None:
        raise ManifestError(f"line {pending[1]}: the value of {pending[0]!r} is never closed")
    return entries


def parse_godot_project(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """project.godot: the engine version, autoloaded singletons and enabled editor plugins."""
    entries = _godot_entries(text)
    engine_version, engine_line = "", 0
    deps: list[Dependency] = []
    for section, key, value, line in entries:
        if section == "" and key == "config_version":
            engine_version = engine_version or _GODOT_BY_CONFIG.get(value, "")
            engine_line = engine_line or line
        elif section == "application" and key == "config/features":
            versions = [v for v in _QUOTED.findall(value) if re.fullmatch(r"\d+(\.\d+)*", v)]
            engine_version, engine_line = (versions[0], line) if versions else (engine_version, engine_line)
        elif section == "autoload":
            deps.append(
                Dependency(
                    ecosystem="godot",
                    name=f"autoload:{key}",
                    version="",
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
        elif section == "editor_plugins" and key == "enabled":
            for plugin in _QUOTED.findall(value):
                name = plugin.removeprefix("res://").removeprefix("addons/").split("/")[0]
                deps.append(
                    Dependency(
                        ecosystem="godot",
                        name=f"plugin:{name}",
                        version="",
                        scope=Scope.DEV,
                        direct=True,
                        path=path,
                        line=line,
                    )
                )
    engine = Dependency(
        ecosystem="godot",
        name="engine",
        version=engine_version,
        scope=Scope.RUNTIME,
        direct=True,
        path=path,
        line=engine_line or 1,
    )
    return ManifestResult(dependencies=(engine, *deps))


# --- Unreal ---------------------------------------------------------------------------------------


def _named_list(data: dict[str, object], key: str) -> list[dict[str, object]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("Name"), str) for i in items):
        raise ManifestError(f"'{key}' is not a list of objects with a \"Name\"")
    return items


def parse_unreal(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """*.uproject / *.uplugin: engine association (projects only), enabled plugins and code modules."""
    data = load_json_object(text, posixpath.basename(path))
    deps: list[Dependency] = []
    if path.endswith(".uproject"):
        association = data.get("EngineAssociation", "")
        if not isinstance(association, str):
            raise ManifestError("'EngineAssociation' is not a string")
        line = _Cursor(text).line("EngineAssociation") or 1
        deps.append(
            Dependency(
                ecosystem="unreal",
                name="engine",
                version=association,
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=line,
            )
        )
    modules = _Cursor(text, '"Modules"')
    for module in _named_list(data, "Modules"):
        name = str(module["Name"])
        scope = Scope.DEV if module.get("Type") in _UNREAL_DEV_MODULES else Scope.RUNTIME
        deps.append(
            Dependency(
                ecosystem="unreal",
                name=f"module:{name}",
                version="",
                scope=scope,
                direct=True,
                path=path,
                line=modules.line(name),
            )
        )
    plugins = _Cursor(text, '"Plugins"')
    for plugin in _named_list(data, "Plugins"):
        name = str(plugin["Name"])
        line = plugins.line(name)
        if plugin.get("Enabled", True) is not False:
            deps.append(
                Dependency(
                    ecosystem="unreal",
                    name=f"plugin:{name}",
                    version="",
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
    return ManifestResult(dependencies=tuple(deps))
