""".NET manifests: project files (*.csproj, *.fsproj, *.vbproj), ``packages.config``, central package
management's ``Directory.Packages.props`` and NuGet's ``packages.lock.json``.

The XML files are read through defusedxml with DTDs refused, so entity bombs and external entities become a
``ManifestError``. Tags are compared without their namespace (old project files carry the MSBuild 2003
namespace). ElementTree has no line numbers: the n-th ``<PackageReference`` opening tag of the
comment-free text is the n-th PackageReference element, which gives each dependency its line.
The lockfile is JSON; its entries are located by their ``"Name": {`` line.
"""

from __future__ import annotations

import bisect
import re
import xml.etree.ElementTree as ET

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read.jsondoc import load_json
from analyzer.manifests._read.xmldoc import load_xml
from analyzer.model import Dependency, ManifestResult, Scope

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _tag_lines(text: str, name: str) -> list[int]:
    """Line of every ``<name`` opening tag, comments excluded (blanked, so lines stay true)."""
    clean = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    pattern = re.compile(r"<(?:[\w.-]{1,64}:)?" + re.escape(name) + r"(?=[\s/>])")
    newlines = [m.start() for m in re.finditer("\n", clean)]
    return [bisect.bisect_left(newlines, m.start()) + 1 for m in pattern.finditer(clean)]


def _value(elem: ET.Element, name: str) -> str:
    """An MSBuild item's metadata: as attribute or as child element (either spelling is legal)."""
    if name in elem.attrib:
        return elem.attrib[name].strip()
    for child in elem:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _sdk_deps(root: ET.Element, path: str, text: str) -> list[Dependency]:
    """The project SDKs: ``<Project Sdk="...">``, ``<Sdk Name=...>`` and ``<Import Sdk=...>``."""
    found: list[tuple[str, int]] = []
    project_line = (_tag_lines(text, "Project") or [0])[0]
    found += [(s, project_line) for s in root.attrib.get("Sdk", "").split(";")]
    sdk_lines = iter(_tag_lines(text, "Sdk"))
    import_lines = iter(_tag_lines(text, "Import"))
    for elem in root.iter():
        if _local(elem.tag) == "Sdk":
            version = elem.attrib.get("Version", "")
            found.append((elem.attrib.get("Name", "") + (f"/{version}" if version else ""), next(sdk_lines, 0)))
        elif _local(elem.tag) == "Import":
            found.append((elem.attrib.get("Sdk", ""), next(import_lines, 0)))
    deps: list[Dependency] = []
    for spec, line in found:
        name, _, version = spec.strip().partition("/")
        if name and not any(d.name == f"sdk:{name}" for d in deps):
            deps.append(
                Dependency(
                    ecosystem="nuget",
                    name=f"sdk:{name}",
                    version=version,
                    scope=Scope.BUILD,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
    return deps


def parse_project(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """PackageReference items and the SDK of an MSBuild project file; ProjectReference is skipped."""
    root = load_xml(text)
    if _local(root.tag) != "Project":
        raise ManifestError(f"root element is <{_local(root.tag)}>, not <Project>")
    deps = _sdk_deps(root, path, text)
    refs = [e for e in root.iter() if _local(e.tag) == "PackageReference"]
    lines = _tag_lines(text, "PackageReference")
    if len(lines) != len(refs):
        lines = [0] * len(refs)
    for elem, line in zip(refs, lines, strict=True):
        names = _value(elem, "Include") or _value(elem, "Update")
        version = _value(elem, "Version") or _value(elem, "VersionOverride")
        private = _value(elem, "PrivateAssets").lower() == "all"
        for name in filter(None, (n.strip() for n in names.split(";"))):
            deps.append(
                Dependency(
                    ecosystem="nuget",
                    name=name,
                    version=version,
                    scope=Scope.DEV if private else Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
    return ManifestResult(dependencies=tuple(deps))


def parse_packages_config(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``<package id version developmentDependency>`` entries of a legacy packages.config."""
    root = load_xml(text)
    if _local(root.tag) != "packages":
        raise ManifestError(f"root element is <{_local(root.tag)}>, not <packages>")
    packages = [e for e in root if _local(e.tag) == "package"]
    lines = _tag_lines(text, "package")
    if len(lines) != len(packages):
        lines = [0] * len(packages)
    deps: list[Dependency] = []
    for elem, line in zip(packages, lines, strict=True):
        name = elem.attrib.get("id", "").strip()
        if not name:
            raise ManifestError(f"line {line}: <package> without an id attribute")
        dev = elem.attrib.get("developmentDependency", "").strip().lower() == "true"
        deps.append(
            Dependency(
                ecosystem="nuget",
                name=name,
                version=elem.attrib.get("version", "").strip(),
                scope=Scope.DEV if dev else Scope.RUNTIME,
                direct=True,
                path=path,
                line=line,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- central package management and lockfiles ---------------------------------------------------


def parse_directory_packages_props(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Central versions of ``Directory.Packages.props``: PackageVersion (runtime) and GlobalPackageReference.

    A GlobalPackageReference is added to every project of the tree; NuGet meant it for analyzers and
    build tooling, so it counts as dev scope.
    """
    del ctx
    root = load_xml(text)
    if _local(root.tag) != "Project":
        raise ManifestError(f"root element is <{_local(root.tag)}>, not <Project>")
    deps: list[Dependency] = []
    for tag, scope in (("PackageVersion", Scope.RUNTIME), ("GlobalPackageReference", Scope.DEV)):
        items = [e for e in root.iter() if _local(e.tag) == tag]
        lines = _tag_lines(text, tag)
        if len(lines) != len(items):
            lines = [0] * len(items)
        for elem, line in zip(items, lines, strict=True):
            name = _value(elem, "Include") or _value(elem, "Update")
            if not name:
                raise ManifestError(f"line {line}: <{tag}> without an Include attribute")
            deps.append(
                Dependency(
                    ecosystem="nuget",
                    name=name,
                    version=_value(elem, "Version"),
                    scope=scope,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
    deps.sort(key=lambda d: d.line)
    return ManifestResult(dependencies=tuple(deps))


def _lock_lines(text: str) -> dict[str, list[int]]:
    """Every ``"key": {`` of a packages.lock.json -> the lines it appears on, in order."""
    found: dict[str, list[int]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        match = re.match(r'\s*"([^"\\]+)"\s*:\s*\{', raw)
        if match:
            found.setdefault(match.group(1), []).append(number)
    return found


def parse_packages_lock_json(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Packages of a NuGet ``packages.lock.json``, once each across target frameworks; projects skipped.

    ``Direct`` entries are declared by the project; ``Transitive`` and ``CentralTransitive`` are not.
    """
    del ctx
    doc = load_json(text, "packages.lock.json")
    frameworks = doc.get("dependencies") if isinstance(doc, dict) else None
    if not isinstance(frameworks, dict):
        raise ManifestError("packages.lock.json has no 'dependencies' object of target frameworks")
    lines = _lock_lines(text)
    deps: dict[str, Dependency] = {}
    for framework, packages in frameworks.items():
        if not isinstance(packages, dict):
            raise ManifestError(f"packages.lock.json: dependencies of {framework!r} must be an object")
        for name, entry in packages.items():
            kind = entry.get("type") if isinstance(entry, dict) else None
            if not isinstance(kind, str):
                raise ManifestError(f"packages.lock.json: {framework} / {name} has no type")
            seen = deps.get(name.lower())
            if kind == "Project" or (seen is not None and (seen.direct or kind != "Direct")):
                continue  # a project of the same repository, or a package already seen for another framework
            line = seen.line if seen is not None else (lines.get(name) or [0])[0]
            deps[name.lower()] = Dependency(
                ecosystem="nuget",
                name=name,
                version=str(entry.get("resolved", "")),
                scope=Scope.RUNTIME,
                direct=kind == "Direct",
                path=path,
                line=line,
            )
    return ManifestResult(dependencies=tuple(deps.values()))
