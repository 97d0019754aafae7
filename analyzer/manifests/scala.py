"""sbt build definitions: ``build.sbt`` and ``project/plugins.sbt`` (ecosystem ``maven``).

An sbt file is Scala code and is never compiled or run. Comments are blanked with the scanner the Swift
reader uses (same comment and string syntax), brackets are paired so a broken file is reported, and
module IDs (``"org" %% "name" % "version" % Test``) are found wherever they stand: in
``libraryDependencies += ...``, in ``++= Seq(...)`` or in a ``val`` shared by several projects. A
version held in a ``val x = "1.2.3"`` of the same file is resolved. The name is ``org:name`` with no
Scala binary suffix for ``%%`` (the suffix depends on the Scala version, which rules do not care
about). Plugins (``addSbtPlugin``, ``addCompilerPlugin``) and everything in ``project/`` are build-time.
"""

from __future__ import annotations

import bisect
import posixpath
import re

from analyzer.manifests import ParseContext
from analyzer.manifests._read.text import blank_slash_comments, bracket_pairs
from analyzer.model import Dependency, ManifestResult, Scope

_MAVEN = "maven"
_OPERAND = r'(?:"[^"\n]*"|[A-Za-z_][\w.]*)'
_MODULE = re.compile(r'"([^"\s]+)"\s*%{1,3}\s*"([^"\s]+)"\s*%\s*(' + _OPERAND + r")((?:\s*%\s*" + _OPERAND + r")*)")
_VAL = re.compile(r'\b(?:val|var|def)\s+(\w+)\s*(?::\s*String\s*)?=\s*"([^"\n]*)"')
_PLUGIN_CALL = re.compile(r"\badd(?:SbtPlugin|CompilerPlugin)\s*\(")
_SUBPROJECT = re.compile(r'\bproject\s*(?:\.\s*in\s*\(|in\s*\(?)\s*file\s*\(\s*"([^"\n]+)"')
_CONFIGS = {
    "test": Scope.TEST,
    "it": Scope.TEST,
    "integrationtest": Scope.TEST,
    "provided": Scope.BUILD,
    "optional": Scope.RUNTIME,
    "compile": Scope.RUNTIME,
    "runtime": Scope.RUNTIME,
}


def _config_scope(tail: str) -> Scope:
    """Scope of the ``% Test`` / ``% "test,it"`` / ``% Provided`` parts after the version."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", tail)]
    for word in words:
        if word in _CONFIGS:
            return _CONFIGS[word]
    return Scope.RUNTIME


def _plugin_spans(code: str, pairs: dict[int, int]) -> list[tuple[int, int]]:
    return [(m.start(), pairs[m.end() - 1]) for m in _PLUGIN_CALL.finditer(code) if m.end() - 1 in pairs]


def parse_sbt(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Module IDs of an sbt build file, with config scopes; sub-project directories as workspace members."""
    del ctx
    code = blank_slash_comments(text)
    pairs = bracket_pairs(code)
    newlines = [m.start() for m in re.finditer("\n", code)]
    in_project_dir = posixpath.basename(posixpath.dirname(path)) == "project"
    values = {m.group(1): m.group(2) for m in _VAL.finditer(code)}
    plugins = _plugin_spans(code, pairs)
    deps: list[Dependency] = []
    for match in _MODULE.finditer(code):
        org, name, version, tail = match.groups()
        version = version[1:-1] if version.startswith('"') else values.get(version, version)
        scope = _config_scope(tail)
        if in_project_dir or any(start <= match.start() < end for start, end in plugins):
            scope = Scope.BUILD
        line = bisect.bisect_left(newlines, match.start()) + 1
        deps.append(
            Dependency(
                ecosystem=_MAVEN, name=f"{org}:{name}", version=version, scope=scope, direct=True, path=path, line=line
            )
        )
    members = tuple(dict.fromkeys(m.group(1).strip("./") for m in _SUBPROJECT.finditer(code) if m.group(1).strip("./")))
    return ManifestResult(dependencies=tuple(deps), workspace_members=members)
