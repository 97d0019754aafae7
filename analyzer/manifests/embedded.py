"""Firmware project files: ESP-IDF, Zephyr, devicetree, Arduino libraries, STM32CubeMX, probe-rs and memory.x.

They name the hardware and the firmware stack rather than packages, so most records are build ``target``s
(``esp32s3``, ``STM32F4``, ``nRF52840_xxAA``, ``freertos``, ``bare-metal``); the rest are the components
each ecosystem pulls in: ESP-IDF components (``idf``), west projects (``west``), Arduino library
dependencies and architectures (``arduino``), enabled Kconfig symbols of a Zephyr ``prj.conf``
(``kconfig``) and devicetree ``compatible`` strings (``devicetree``). The last two are capped per file: a
rule needs to see a symbol, not ten thousand of them. YAML is composed into nodes, never constructed, so
line numbers are exact and aliases are not expanded.
"""

from __future__ import annotations

import posixpath
import re

import yaml

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read import yamldoc
from analyzer.manifests._read.tomldoc import load_toml
from analyzer.model import Dependency, Diagnostic, ManifestResult, Scope, Severity

KCONFIG_CAP = 2000
"""Enabled Kconfig symbols recorded per prj.conf at most."""
DEVICETREE_CAP = 500
"""Distinct compatible strings recorded per devicetree file at most."""

_CONFIG_LINE = re.compile(r"^(CONFIG_[A-Za-z0-9_]+)\s*=\s*(.*)$")


def _config_lines(text: str, filename: str) -> list[tuple[int, str, str]]:
    """(line, symbol, value) of a Kconfig fragment; ``# CONFIG_X is not set`` lines are comments."""
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _CONFIG_LINE.match(line)
        if match is None:
            raise ManifestError(f"line {number}: {line[:60]!r} is not a CONFIG_NAME=value line of {filename}")
        entries.append((number, match.group(1), match.group(2).strip()))
    return entries


def parse_sdkconfig(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """ESP-IDF sdkconfig: the chip (``CONFIG_IDF_TARGET``) and FreeRTOS, which every IDF build runs on."""
    deps: list[Dependency] = []
    for number, symbol, value in _config_lines(text, "sdkconfig"):
        if symbol == "CONFIG_IDF_TARGET" and value.strip('"'):
            deps.append(
                Dependency(
                    ecosystem="target",
                    name=value.strip('"'),
                    version="",
                    scope=Scope.BUILD,
                    direct=True,
                    path=path,
                    line=number,
                )
            )
        elif symbol.startswith("CONFIG_FREERTOS_") and not any(d.name == "freertos" for d in deps):
            deps.append(
                Dependency(
                    ecosystem="target",
                    name="freertos",
                    version="",
                    scope=Scope.BUILD,
                    direct=True,
                    path=path,
                    line=number,
                )
            )
    return ManifestResult(dependencies=tuple(deps))


def parse_prj_conf(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Zephyr prj.conf: every symbol set to ``y``, as ``kconfig`` records (capped)."""
    deps: list[Dependency] = []
    diagnostics: list[Diagnostic] = []
    for number, symbol, value in _config_lines(text, "prj.conf"):
        if value != "y":
            continue
        if len(deps) >= KCONFIG_CAP:
            diagnostics.append(
                Diagnostic(
                    path=path,
                    message=f"more than {KCONFIG_CAP} enabled Kconfig symbols; the rest are not recorded",
                    severity=Severity.INFO,
                    stage="manifests",
                )
            )
            break
        deps.append(
            Dependency(
                ecosystem="kconfig", name=symbol, version="", scope=Scope.BUILD, direct=True, path=path, line=number
            )
        )
    return ManifestResult(dependencies=tuple(deps), diagnostics=tuple(diagnostics))


# --- YAML manifests: idf_component.yml, west.yml ------------------------------------------------


def _text(node: yaml.Node | None) -> str:
    return yamldoc.scalar(node) or ""


def parse_idf_component(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """idf_component.yml: the ``dependencies`` map (``idf`` itself and ``namespace/component`` entries)."""
    root = yamldoc.compose(text, posixpath.basename(path))
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise ManifestError("top level is not a mapping")
    entries = yamldoc.get(root, "dependencies")
    if entries is None or (isinstance(entries, yaml.ScalarNode) and entries.tag.endswith(":null")):
        return ManifestResult()
    if not isinstance(entries, yaml.MappingNode):
        raise ManifestError(f"line {entries.start_mark.line + 1}: 'dependencies' is not a mapping")
    deps = []
    for key, spec in entries.value:
        version = _text(spec) if isinstance(spec, yaml.ScalarNode) else _text(yamldoc.get(spec, "version"))
        deps.append(
            Dependency(
                ecosystem="idf",
                name=_text(key),
                version=version,
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=key.start_mark.line + 1,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


def parse_west(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """west.yml: ``manifest.projects[]`` names and revisions (zephyr, its HAL modules, mcuboot...)."""
    manifest = yamldoc.get(yamldoc.compose(text, posixpath.basename(path)), "manifest")
    if not isinstance(manifest, yaml.MappingNode):
        raise ManifestError("no 'manifest:' mapping, so this is not a west manifest")
    projects = yamldoc.get(manifest, "projects")
    if projects is None:
        return ManifestResult()
    if not isinstance(projects, yaml.SequenceNode):
        raise ManifestError(f"line {projects.start_mark.line + 1}: 'projects' is not a list")
    deps = []
    for project in projects.value:
        name = yamldoc.get(project, "name")
        if not _text(name):
            raise ManifestError(f"line {project.start_mark.line + 1}: a project has no name")
        assert name is not None
        revision = _text(yamldoc.get(project, "revision"))
        deps.append(
            Dependency(
                ecosystem="west",
                name=_text(name),
                version=revision,
                scope=Scope.RUNTIME,
                direct=True,
                path=path,
                line=name.start_mark.line + 1,
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- devicetree, linker memory map -----------------------------------------------------------------

_COMPATIBLE = re.compile(r'\bcompatible\s*=\s*((?:"[^"\n]*"\s*,?\s*)+);')


def _c_code(text: str, filename: str) -> str:
    """Text with C-style comments blanked (newlines kept); strings checked to be closed."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                line = text.count("\n", 0, i) + 1
                raise ManifestError(f"unterminated comment opened at line {line} of {filename}")
            end += 2
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
        elif text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0 or "\n" in text[i:end]:
                raise ManifestError(f"unterminated string at line {text.count(chr(10), 0, i) + 1} of {filename}")
            out.append(text[i : end + 1])
            i = end + 1
            continue
        else:
            out.append(text[i])
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:end]))
        i = end
    return "".join(out)


def parse_devicetree(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """*.dts / *.dtsi: the distinct ``compatible`` strings (``vendor,device``), in file order, capped."""
    code = _c_code(text, "devicetree source")
    if code.count("{") != code.count("}"):
        raise ManifestError(f"unbalanced braces: {code.count('{')} '{{' for {code.count('}')} '}}'")
    deps: list[Dependency] = []
    seen: set[str] = set()
    for match in _COMPATIBLE.finditer(code):
        line = code.count("\n", 0, match.start()) + 1
        for value in re.findall(r'"([^"]*)"', match.group(1)):
            if value and value not in seen and len(seen) < DEVICETREE_CAP:
                seen.add(value)
                deps.append(
                    Dependency(
                        ecosystem="devicetree",
                        name=value,
                        version="",
                        scope=Scope.BUILD,
                        direct=True,
                        path=path,
                        line=line,
                    )
                )
    return ManifestResult(dependencies=tuple(deps))


def parse_memory_x(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """memory.x (cortex-m-rt / riscv-rt): a bare-metal memory layout, shown at its ``MEMORY`` block."""
    code = _c_code(text, "memory.x")
    # [ \t]*, not \s*: in MULTILINE mode \s* crosses line ends, and each line start rescanned the blank lines after it.
    match = re.search(r"^[ \t]*MEMORY\s*(\{|$)", code, re.MULTILINE)
    if match is None:
        raise ManifestError("no MEMORY block, so this file lays out no memory")
    line = code.count("\n", 0, match.start() + len(match.group()) - len(match.group().lstrip())) + 1
    return ManifestResult(
        dependencies=(
            Dependency(
                ecosystem="target", name="bare-metal", version="", scope=Scope.BUILD, direct=True, path=path, line=line
            ),
        )
    )


# --- key=value files: Arduino library.properties, STM32CubeMX *.ioc --------------------------------


def _properties(text: str, filename: str) -> dict[str, tuple[str, int]]:
    """key → (value, line) of a ``key=value`` file; the first occurrence of a key wins."""
    found: dict[str, tuple[str, int]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, eq, value = line.partition("=")
        if not eq or not key.strip():
            raise ManifestError(f"line {number}: {line[:60]!r} is not a key=value line of {filename}")
        found.setdefault(key.strip(), (value.strip(), number))
    return found


def parse_library_properties(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Arduino library.properties: ``depends=`` libraries (with their constraints) and ``architectures=``."""
    props = _properties(text, "library.properties")
    if "name" not in props:
        raise ManifestError("no name= line, so this is not an Arduino library.properties")
    deps: list[Dependency] = []
    depends, line = props.get("depends", ("", 0))
    for item in re.findall(r"[^,(]+(?:\([^)]*\))?", depends):
        name, _, constraint = item.strip().partition("(")
        if name.strip():
            deps.append(
                Dependency(
                    ecosystem="arduino",
                    name=name.strip(),
                    version=constraint.rstrip(")").strip(),
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
    architectures, line = props.get("architectures", ("", 0))
    for arch in architectures.split(","):
        if arch.strip():
            deps.append(
                Dependency(
                    ecosystem="arduino",
                    name=f"arch:{arch.strip()}",
                    version="",
                    scope=Scope.BUILD,
                    direct=True,
                    path=path,
                    line=line,
                )
            )
    return ManifestResult(dependencies=tuple(deps))


def parse_stm32_ioc(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """STM32CubeMX *.ioc: the MCU family (``Mcu.Family``) and part (``Mcu.UserName``) as targets."""
    props = _properties(text, "STM32CubeMX project")
    deps: list[Dependency] = []
    for key in ("Mcu.Family", "Mcu.UserName"):
        value, line = props.get(key, ("", 0))
        if value and not any(d.name == value for d in deps):
            deps.append(
                Dependency(
                    ecosystem="target", name=value, version="", scope=Scope.BUILD, direct=True, path=path, line=line
                )
            )
    if not deps:
        raise ManifestError("no Mcu.Family or Mcu.UserName, so the microcontroller is unknown")
    return ManifestResult(dependencies=tuple(deps))


def parse_embed_toml(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """probe-rs Embed.toml: the ``chip`` of every profile's ``general`` table, once each."""
    data = load_toml(text, posixpath.basename(path))
    lines = text.splitlines()
    deps: list[Dependency] = []
    for profile, table in data.items():
        general = table.get("general", {}) if isinstance(table, dict) else None
        if not isinstance(general, dict):
            raise ManifestError(f"'{profile}.general' is not a table")
        chip = general.get("chip")
        if isinstance(chip, str) and chip and not any(d.name == chip for d in deps):
            line = next((n for n, raw in enumerate(lines, 1) if re.match(r"\s*chip\s*=", raw) and chip in raw), 0)
            deps.append(
                Dependency(
                    ecosystem="target", name=chip, version="", scope=Scope.BUILD, direct=True, path=path, line=line
                )
            )
    return ManifestResult(dependencies=tuple(deps))
