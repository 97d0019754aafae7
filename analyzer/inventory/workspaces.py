"""Links components to the workspace that declares them (Cargo, go.work, npm/pnpm/yarn, uv workspaces).

Manifest parsers report member globs relative to the manifest's directory; a component whose path matches
one of them becomes a member of that workspace. Members keep their own verdicts; the link lets reports
group them.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Sequence
from dataclasses import replace

from analyzer.model import Component, FileEntry, ManifestResult


def _member_pattern(base: str, glob: str) -> str:
    joined = posixpath.normpath(posixpath.join("" if base == "." else base, glob.strip().rstrip("/")))
    return joined


def link_workspaces(
    components: Sequence[Component], manifests: Sequence[tuple[FileEntry, ManifestResult]]
) -> tuple[Component, ...]:
    """Components with ``workspace`` set where a workspace manifest claims them."""
    owners: list[tuple[str, str]] = []
    for entry, result in manifests:
        base = posixpath.dirname(entry.path) or "."
        owners.extend((base, _member_pattern(base, glob)) for glob in result.workspace_members)
    if not owners:
        return tuple(components)
    linked = []
    for component in components:
        workspace = component.workspace
        for base, pattern in owners:
            if component.path != base and fnmatch.fnmatchcase(component.path, pattern):
                workspace = base
                break
        linked.append(replace(component, workspace=workspace) if workspace != component.workspace else component)
    return tuple(linked)
