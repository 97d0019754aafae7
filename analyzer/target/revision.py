"""A ``Tree`` over a git revision, read from git objects: no checkout, no temporary worktree, bare repos too.

``analyze PATH --rev REV`` and both sides of ``analyze diff`` use it. PATH may be a bare repository or any
folder of a work tree; a folder analyzes that subtree as it was at REV. The repository is untrusted, so a
revision gets the same care as a directory: symlinks (mode 120000) are resolved inside the tree only and
never out of the analyzed folder, with the same diagnostics the work tree gives (outside, dangling, loop);
submodules are commits of other repositories and are skipped with an info diagnostic; reads are bounded.
``.gitignore`` means nothing for a committed tree, while ``.gitattributes`` still applies because the
inventory reads it through ``read``. All git access goes through ``analyzer.target.git``.
"""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from analyzer.errors import TargetError
from analyzer.model import Diagnostic, Severity
from analyzer.target import git as gitinfo
from analyzer.target.worktree import MAX_FILES, TreeFile, exclude_patterns, invalid_name

MAX_LINK_HOPS = 40
"""Symlinks followed while resolving one path before it counts as a loop (the kernel's ELOOP bound)."""

_OUTSIDE = "symlink points outside the repository; skipped"
_DANGLING = "dangling symlink; skipped"
_LOOP = "symlink loop; skipped"


def _diagnostic(path: str, message: str, severity: Severity = Severity.WARNING) -> Diagnostic:
    return Diagnostic(path=path, message=message, severity=severity, stage="inventory")


def resolve_link(path: str, targets: Mapping[str, str | None]) -> tuple[str | None, str]:
    """Where the symlink ``path`` leads inside the tree: (resolved path, "") or (None, why it is skipped).

    ``targets`` maps every symlink of the tree to its stored target (None when unreadable). A ``..`` above
    the root or an absolute target leaves the tree; a chain longer than ``MAX_LINK_HOPS`` is a loop.
    """
    parts = path.split("/")[:-1]
    first = targets.get(path)
    if first is None:
        return None, _DANGLING
    if first.startswith("/"):
        return None, _OUTSIDE
    components = deque(first.split("/"))
    hops = 0
    while components:
        part = components.popleft()
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None, _OUTSIDE
            parts.pop()
            continue
        candidate = "/".join([*parts, part])
        if candidate in targets:
            hops += 1
            inner = targets[candidate]
            if hops > MAX_LINK_HOPS:
                return None, _LOOP
            if inner is None:
                return None, _DANGLING
            if inner.startswith("/"):
                return None, _OUTSIDE
            components.extendleft(reversed(inner.split("/")))
            continue
        parts.append(part)
    return "/".join(parts), ""


class RevisionTree:
    """A ``Tree`` over the files of one commit (of one folder of it); close it, or use it as a context."""

    def __init__(self, path: Path, rev: str, *, extra_ignores: Sequence[str] = (), max_files: int = MAX_FILES) -> None:
        """Resolve ``rev`` in the repository holding ``path``; raise TargetError when that fails."""
        self.root = str(path)
        try:
            self._location = gitinfo.locate_revision(path, rev)
        except gitinfo.GitRevisionError as exc:
            raise TargetError(str(exc)) from exc
        self._reader = gitinfo.BlobReader(self._location.git_dir)
        self._setup: list[Diagnostic] = []
        """Problems with the settings (an exclude pattern git rejects), reported with the listing."""
        self._extra = exclude_patterns(extra_ignores, self._setup)
        self._max_files = max_files
        self._blobs: dict[str, str] = {}
        """Path → blob name of every readable path (links resolved), filled by ``list_files``."""

    @property
    def revision(self) -> str:
        """Full hex name of the commit."""
        return self._location.commit

    @property
    def prefix(self) -> str:
        """Folder inside the repository that this tree covers, "" for the root."""
        return self._location.prefix

    def __enter__(self) -> RevisionTree:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop the git processes that serve reads."""
        self._reader.close()

    def read(self, path: str, limit: int) -> bytes | None:
        """First ``limit`` bytes of a listed file (or a link to one); None for anything else."""
        if "/." in "/" + path:
            path = posixpath.normpath(path)
            if path.startswith(("../", "/")) or path in ("..", "."):
                return None
        sha = self._blobs.get(path)
        return None if sha is None else self._reader.read(sha, limit)

    def list_files(self) -> tuple[tuple[TreeFile, ...], tuple[Diagnostic, ...]]:
        """Every file of the revision's folder, sorted by path, and the problems met while listing."""
        try:
            entries = gitinfo.list_revision(self._location)
        except gitinfo.GitRevisionError as exc:
            raise TargetError(str(exc)) from exc
        diagnostics: list[Diagnostic] = list(self._setup)
        blobs = {e.path: e for e in entries if e.kind == "file"}
        targets = {e.path: gitinfo.read_link_target(self._reader, e.sha) for e in entries if e.kind == "link"}
        directories = _directories(e.path for e in entries)
        self._blobs = {path: entry.sha for path, entry in blobs.items()}
        files: list[TreeFile] = []
        for entry in sorted(entries, key=lambda e: e.path):
            if self._skipped(entry.path, diagnostics):
                continue
            if len(files) >= self._max_files:
                diagnostics.append(
                    _diagnostic(
                        "",
                        f"more than {self._max_files} files: listing stopped, the rest is not analyzed",
                        Severity.ERROR,
                    )
                )
                break
            if entry.kind == "submodule":
                diagnostics.append(
                    _diagnostic(
                        entry.path,
                        f"submodule (commit {entry.sha[:12]}) is another repository; not analyzed",
                        Severity.INFO,
                    )
                )
            elif entry.kind == "file":
                files.append(TreeFile(entry.path, entry.size))
            elif entry.kind == "missing":
                diagnostics.append(
                    _diagnostic(
                        entry.path, f"blob {entry.sha[:12]} is missing from the repository (partial clone?); skipped"
                    )
                )
            else:
                resolved, problem = resolve_link(entry.path, targets)
                if resolved is not None and resolved in blobs:
                    self._blobs[entry.path] = blobs[resolved].sha
                    files.append(TreeFile(entry.path, blobs[resolved].size))
                elif resolved is None or resolved not in directories:
                    diagnostics.append(_diagnostic(entry.path, problem or _DANGLING))
                # a link to a directory is never entered, as in a work tree, so loops cannot happen
        return tuple(files), tuple(diagnostics)

    def _skipped(self, path: str, diagnostics: list[Diagnostic]) -> bool:
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:
            diagnostics.append(invalid_name(path))
            return True
        return ".git" in path.split("/") or self._extra.match(path)


def _directories(paths: Iterable[str]) -> set[str]:
    """Every directory that holds one of ``paths``, "" (the root) included."""
    found = {""}
    for path in paths:
        parts = path.split("/")
        found.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return found
