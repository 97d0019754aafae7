"""What a batch analyzes: local paths, bare repositories, folders holding many repositories, list files and URLs.

``collect`` turns the command line (sources, ``--from-file``, ``--discover``) into one ordered, deduplicated
tuple of ``Source`` records; ``quick_probe`` tells from git's own files, without starting a process and
without opening anything but small regular files, which commit a local source is at, so the coordinator can
skip what its store already holds; ``probe`` adds git for what the files cannot decide, and runs in the
worker, under the per-repository timeout. ``materialize`` gives the task a folder to read, cloning a URL
shallowly into the cache first (the only network the tool ever uses). All git access goes through
``analyzer.target``.
"""

from __future__ import annotations

import enum
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import TargetError
from analyzer.target import git as gitinfo
from analyzer.target import gitdir

_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:(?!//))", re.IGNORECASE)
"""A scheme (https://, ssh://, git://, file://) or scp-like ``user@host:path``."""
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_BLANKS = " \t\r\v\f"
"""What is trimmed around a listed source: ASCII blanks only, never a character a path may end with."""


class SourceKind(str, enum.Enum):
    """How a source is reached."""

    PATH = "path"
    """A local folder: a work tree (its HEAD commit is analyzed) or a plain directory (its files are)."""
    BARE = "bare"
    """A local bare repository, analyzed at HEAD from its objects."""
    URL = "url"
    """A remote repository, cloned shallowly (bare) into the cache and analyzed at HEAD."""


@dataclass(frozen=True)
class Source:
    """One repository of the batch."""

    spec: str
    """What the user gave (path or URL): the name of the row and the first part of the store key."""
    kind: SourceKind
    location: str
    """The local folder to read: the path itself, or the clone's place in the cache for a URL."""


@dataclass(frozen=True)
class Probe:
    """What a local source looks like before analysis."""

    commit: str | None
    """HEAD commit, None when there is none (plain directory, missing path, unreadable repository)."""
    error: str | None = None
    """Why the source cannot be analyzed at all, None when it can."""
    versioned: bool = True
    """False for a plain directory: it has no commit, so the batch keys it by its content (``batch.folder``)."""


def is_url(spec: str) -> bool:
    """True when ``spec`` names a remote repository rather than a local path."""
    return bool(_URL.match(spec))


def cache_location(url: str, cache_dir: Path) -> Path:
    """Where ``url`` is cloned: a readable name plus a digest of the whole URL, so two URLs never share one."""
    tail = url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git") or "repo"
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    return cache_dir / f"{_SAFE_NAME.sub('_', tail)[:60]}-{digest}.git"


def classify(spec: str, cache_dir: Path) -> Source:
    """The Source for one command-line entry; nothing is cloned or checked for existence here."""
    if is_url(spec):
        return Source(spec, SourceKind.URL, str(cache_location(spec, cache_dir)))
    path = Path(spec)
    kind = SourceKind.BARE if gitinfo.is_bare(path) or _git_layout(path) else SourceKind.PATH
    return Source(spec, kind, spec)


def _git_layout(path: Path) -> bool:
    """A git directory's layout (HEAD, objects/, refs/), even when git cannot open it: a corrupt repository
    must fail as one, not be analyzed as a folder of git's own files. A name the system refuses (a component
    over 255 bytes) is no repository: the probe reports it."""
    try:
        return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()
    except OSError:
        return False


def read_list(path: Path) -> list[str]:
    """Sources listed in a file, one per line; blank lines and lines starting with ``#`` are skipped."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise TargetError(f"{path}: cannot read the source list: {exc.strerror}") from exc
    # Lines end at "\n" only: str.splitlines also splits at U+2028, U+0085 and form feeds, which a path may hold.
    lines = (line.strip(_BLANKS) for line in text.split("\n"))
    return [line for line in lines if line and not line.startswith("#")]


def _is_repository(path: Path) -> bool:
    return os.path.lexists(path / ".git") or gitinfo.is_bare(path) or _git_layout(path)


def discover(directory: Path) -> list[str]:
    """Immediate children of ``directory`` that are work trees or bare repositories, sorted by name.

    Symlinked children are left out: a portfolio folder must not lead the batch somewhere else.
    """
    try:
        children = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as exc:
        raise TargetError(f"{directory}: cannot list the folder to discover: {exc.strerror}") from exc
    return [
        str(Path(directory) / child.name)
        for child in children
        if child.is_dir(follow_symlinks=False) and _is_repository(Path(child.path))
    ]


def collect(
    specs: Sequence[str], cache_dir: Path, from_files: Iterable[Path] = (), discover_dirs: Iterable[Path] = ()
) -> tuple[Source, ...]:
    """Every source of the command line in order (arguments, list files, discovered folders), each once."""
    entries = list(specs)
    for path in from_files:
        entries += read_list(path)
    for directory in discover_dirs:
        entries += discover(directory)
    seen: set[str] = set()
    sources: list[Source] = []
    for spec in entries:
        key = spec if is_url(spec) else os.path.normpath(spec)
        if key not in seen:
            seen.add(key)
            sources.append(classify(key, cache_dir))
    return tuple(sources)


def _unreadable(source: Source) -> Probe:
    return Probe(None, f"{source.spec}: git repository whose HEAD is not a readable commit (empty or corrupt)")


def quick_probe(source: Source) -> Probe | None:
    """What git's own files say about a local source, without a process; None when only git can tell.

    Never blocks: special files are refused by ``stat`` before anything is opened, and only small regular
    files are read. URLs are unknown until fetched (None).
    """
    if source.kind is SourceKind.URL:
        return None
    path = Path(source.location)
    try:
        if not path.exists():
            return Probe(None, f"{source.spec}: no such file or directory")
        if not path.is_dir():
            return Probe(None, f"{source.spec}: not a directory; give the root of a repository")
        found = gitdir.find(path)
    except OSError as exc:  # e.g. a component over 255 bytes: this source fails, the batch goes on
        return Probe(None, f"{source.spec}: cannot be read ({exc.strerror})")
    except TargetError as exc:
        return Probe(None, f"{source.spec}: {exc}")
    if found is None:
        if source.kind is SourceKind.BARE or os.path.lexists(path / ".git"):
            return _unreadable(source)
        return Probe(None, versioned=False)
    try:
        commit = gitdir.head_commit(found)
    except TargetError as exc:
        return Probe(None, f"{source.spec}: {exc}")
    return None if commit is None else Probe(commit)


def probe(source: Source) -> Probe:
    """The commit a local source is at, or why it cannot be analyzed; URLs are unknown until fetched.

    Starts git when the files do not decide, so a batch calls it in the worker, under the timeout.
    """
    quick = quick_probe(source)
    if quick is not None:
        return quick
    if source.kind is SourceKind.URL:
        return Probe(commit=None)
    try:
        commit = gitinfo.head_commit(Path(source.location))
    except TargetError as exc:
        return Probe(None, f"{source.spec}: {exc}")
    return Probe(commit) if commit is not None else _unreadable(source)


def materialize(source: Source) -> Path:
    """The local folder holding the source, cloning or refreshing a URL's shallow copy first."""
    if source.kind is SourceKind.URL:
        try:
            gitinfo.clone_shallow(source.spec, Path(source.location))
        except gitinfo.GitCloneError as exc:
            raise TargetError(str(exc)) from exc
    return Path(source.location)
