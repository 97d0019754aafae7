"""Container manifests: Dockerfiles (and Containerfiles) and Compose files.

The Dockerfile reader follows Docker's own rules closely enough to trust its line numbers: parser
directives at the top (``# escape=``), continuation lines, comment lines inside continuations and
heredoc bodies (``<<EOF`` ... ``EOF``), which are skipped. Base images are dependencies of ecosystem
``docker``: every stage but the last is build scope, the last is runtime. ``cargo``/``rustup`` target
triples in RUN commands become ecosystem ``target``. Compose files are YAML; aliases are allowed (real
files use ``<<: *defaults``) but the document's size with aliases expanded is bounded before it is built,
so an alias bomb becomes a ``ManifestError``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.model import Dependency, ManifestResult, Scope

if TYPE_CHECKING:
    import yaml

_KEYWORDS = frozenset(
    {
        "FROM",
        "RUN",
        "CMD",
        "LABEL",
        "MAINTAINER",
        "EXPOSE",
        "ENV",
        "ADD",
        "COPY",
        "ENTRYPOINT",
        "VOLUME",
        "USER",
        "WORKDIR",
        "ARG",
        "ONBUILD",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
    }
)
_DIRECTIVE = re.compile(r"^#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"(?<!<)<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
_SHELL_TOKEN = re.compile(r"&&|\|\||[;|]|[^\s;&|\"'\[\],]+")
_TRIPLE = re.compile(r"^[a-z0-9_]+(?:-[a-z0-9_.]+){1,4}$")
_HUB_PREFIXES = (
    "docker.io/library/",
    "index.docker.io/library/",
    "registry-1.docker.io/library/",
    "library/",
    "docker.io/",
    "index.docker.io/",
)
_COMPOSE_KEYS = frozenset({"services", "version", "volumes", "networks", "configs", "secrets", "include", "name"})


@dataclass(frozen=True)
class _Instruction:
    keyword: str
    args: str
    line: int


def _directives(lines: list[str]) -> tuple[str, int]:
    """The escape character and the index of the first line after the parser directives."""
    escape, index = "\\", 0
    while index < len(lines):
        match = _DIRECTIVE.match(lines[index])
        if match is None:
            break
        if match.group(1).lower() == "escape":
            if match.group(2) not in ("\\", "`"):
                raise ManifestError(f"line {index + 1}: escape directive must be '\\' or '`'")
            escape = match.group(2)
        index += 1
    return escape, index


def _skip_heredocs(logical: str, lines: list[str], index: int, line: int) -> int:
    """Index of the line after the bodies of the heredocs that ``logical`` opens."""
    for match in _HEREDOC.finditer(logical):
        strip_tabs, delimiter = match.group(1) == "-", match.group(3)
        while index < len(lines) and (lines[index].lstrip("\t") if strip_tabs else lines[index]) != delimiter:
            index += 1
        if index >= len(lines):
            raise ManifestError(f"heredoc <<{delimiter} opened at line {line} is never closed")
        index += 1
    return index


def _instructions(text: str) -> list[_Instruction]:
    lines = text.splitlines()
    escape, index = _directives(lines)
    out: list[_Instruction] = []
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        start, parts = index + 1, list[str]()
        while True:
            body = lines[index].rstrip()
            index += 1
            if not body.endswith(escape):
                parts.append(body)
                break
            parts.append(body[:-1])
            # Comment and blank lines inside a continuation are dropped, as Docker does.
            while index < len(lines) and (not lines[index].strip() or lines[index].lstrip().startswith("#")):
                index += 1
            if index >= len(lines):
                break
        keyword, _, args = " ".join(parts).strip().partition(" ")
        keyword = keyword.upper()
        if keyword not in _KEYWORDS:
            raise ManifestError(f"line {start}: unknown instruction {keyword!r}")
        if keyword in ("RUN", "COPY", "ADD"):
            index = _skip_heredocs(args, lines, index, start)
        out.append(_Instruction(keyword, args.strip(), start))
    return out


def _substitute(value: str, known: dict[str, str], missing: str | None) -> str | None:
    """Expand ``$X``, ``${X}``, ``${X:-default}``, ``${X:+alt}``; None if a variable stays unknown."""
    unresolved = False

    def expand(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1) or match.group(4)
        current = known.get(name, "")
        if match.group(2) == "+":
            return match.group(3) if current else ""
        if current:
            return current
        if match.group(2) == "-":
            return match.group(3)
        unresolved = True
        return missing or ""

    result = _VARIABLE.sub(expand, value)
    return None if unresolved and missing is None else result


def _split_image(reference: str) -> tuple[str, str]:
    """(name, tag or digest) of an image reference; Docker Hub's official prefix is dropped."""
    name, _, digest = reference.partition("@")
    version = digest
    head, slash, last = name.rpartition("/")
    if ":" in last:
        last, version = last.split(":", 1)
        name = head + slash + last
    for prefix in _HUB_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name, version


def _arg_defaults(args: str, known: dict[str, str]) -> None:
    for token in args.split():
        name, _, value = token.partition("=")
        known[name] = value.strip("\"'")


def _rust_targets(command: str) -> Iterator[str]:
    tokens = _SHELL_TOKEN.findall(command)
    for index, token in enumerate(tokens):
        tool = token.rsplit("/", 1)[-1]
        if tool not in ("cargo", "rustup"):
            continue
        rest = tokens[index + 1 :]
        end = next((i for i, t in enumerate(rest) if t in ("&&", "||", ";", "|")), len(rest))
        words = rest[:end]
        adding = tool == "rustup" and words[:2] == ["target", "add"]
        for position, word in enumerate(words):
            if word == "--target" and position + 1 < len(words):
                candidate = words[position + 1]
            elif word.startswith("--target="):
                candidate = word.split("=", 1)[1]
            elif adding and position >= 2 and not word.startswith("-"):
                candidate = word
            else:
                continue
            if _TRIPLE.match(candidate):
                yield candidate


def parse_dockerfile(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Base images of every stage, images copied from, and Rust target triples of a Dockerfile."""
    known: dict[str, str] = {}
    aliases: set[str] = set()
    images: list[tuple[str, str, int, int]] = []
    extra: dict[tuple[str, str], Dependency] = {}
    stage = -1
    for ins in _instructions(text):
        if stage < 0 and ins.keyword not in ("ARG", "FROM"):
            raise ManifestError(f"line {ins.line}: {ins.keyword} before the first FROM")
        if ins.keyword == "ARG" and stage < 0:
            _arg_defaults(ins.args, known)
        elif ins.keyword == "FROM":
            stage += 1
            words = [w for w in ins.args.split() if not w.startswith("--")]
            if not words:
                raise ManifestError(f"line {ins.line}: FROM without an image")
            image = _substitute(words[0], known, None)
            if image is not None and image.lower() not in aliases and image != "scratch":
                images.append((*_split_image(image), ins.line, stage))
            if len(words) >= 3 and words[1].upper() == "AS":
                aliases.add(words[2].lower())
        elif ins.keyword in ("COPY", "ADD"):
            for flag in re.findall(r"--from=(\S+)", ins.args):
                source = _substitute(flag, known, None)
                if source is not None and source.lower() not in aliases and not source.isdigit():
                    name, version = _split_image(source)
                    extra.setdefault(
                        ("docker", name),
                        Dependency(
                            ecosystem="docker",
                            name=name,
                            version=version,
                            scope=Scope.BUILD,
                            direct=True,
                            path=path,
                            line=ins.line,
                        ),
                    )
        elif ins.keyword == "RUN":
            for triple in _rust_targets(ins.args):
                extra.setdefault(
                    ("target", triple),
                    Dependency(
                        ecosystem="target",
                        name=triple,
                        version="",
                        scope=Scope.BUILD,
                        direct=True,
                        path=path,
                        line=ins.line,
                    ),
                )
    if stage < 0:
        raise ManifestError("no FROM instruction: not a Dockerfile")
    deps = [
        Dependency(
            ecosystem="docker",
            name=name,
            version=version,
            scope=Scope.RUNTIME if index == stage else Scope.BUILD,
            direct=True,
            path=path,
            line=line,
        )
        for name, version, line, index in images
    ]
    return ManifestResult(dependencies=tuple(deps + list(extra.values())))


# --- Compose --------------------------------------------------------------------------------------


def _service_lines(root: yaml.Node, key: str | None) -> dict[str, int]:
    """Line of each service's ``image`` value, or of the service key when it has none."""
    import yaml  # already loaded by yamldoc: a Dockerfile alone never pays for PyYAML

    services: yaml.Node | None = root
    if key is not None and isinstance(root, yaml.MappingNode):
        services = next((v for k, v in root.value if getattr(k, "value", None) == key), None)
    lines: dict[str, int] = {}
    if isinstance(services, yaml.MappingNode):
        for name_node, body in services.value:
            line = name_node.start_mark.line + 1
            if isinstance(body, yaml.MappingNode):
                # Merge keys (``<<: *x``) put the merged pairs first once built; the service's own wins.
                images = [v.start_mark.line + 1 for k, v in body.value if getattr(k, "value", None) == "image"]
                line = images[-1] if images else line
            lines[str(name_node.value)] = line
    return lines


def parse_compose(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Images of the services of a Compose file; services built from source name no dependency."""
    from analyzer.manifests._read import yamldoc

    root = yamldoc.compose(text, posixpath.basename(path))
    data = None if root is None else yamldoc.construct(root, posixpath.basename(path))
    if root is None or data is None:
        return ManifestResult()
    if not isinstance(data, dict):
        raise ManifestError("top level is not a mapping of Compose keys")
    # The legacy (version 1) format puts services at the top level, beside no other Compose key.
    key = "services" if any(k in _COMPOSE_KEYS or str(k).startswith("x-") for k in data) else None
    services = (data.get("services") or {}) if key else data
    if not isinstance(services, dict):
        raise ManifestError("'services' is not a mapping of service names")
    lines = _service_lines(root, key)
    deps: list[Dependency] = []
    for name, body in services.items():
        if body is None:
            continue
        if not isinstance(body, dict):
            raise ManifestError(f"line {lines.get(str(name), 0)}: service {name!r} is not a mapping")
        image = body.get("image")
        if not isinstance(image, str) or "build" in body:
            continue
        resolved = _substitute(image.strip(), {}, "")
        image_name, version = _split_image(resolved or "")
        # An unset variable leaves an empty path segment ("${REGISTRY}/app"): no usable name.
        if image_name and "" not in image_name.split("/"):
            deps.append(
                Dependency(
                    ecosystem="docker",
                    name=image_name,
                    version=version,
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=lines.get(str(name), 0),
                )
            )
    return ManifestResult(dependencies=tuple(deps))
