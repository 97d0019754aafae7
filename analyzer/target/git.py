"""The one door to git: work-tree detection, file listing and a cheap history summary.

git commands run as plain processes; GitPython is imported only to stream blobs of a revision (``BlobReader``).
No other module imports GitPython (DESIGN §2), and a machine without a git executable still gets a directory walk.
The repository is untrusted, so every command is run with an explicit argument list, with repository
hooks such as ``core.fsmonitor`` switched off and without textconv or external diff drivers, which a
hostile ``.git/config`` could otherwise use to run programs. Before git or GitPython touches a repository,
``gitdir`` checks that the files git opens first are regular files (a FIFO there hangs git), and every git
command runs under a timeout; a git that dies (dubious ownership, missing objects) becomes a ``TargetError``
with git's own last line, never a broken pipe.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import TargetError
from analyzer.target import gitdir
from analyzer.target.gitdir import UnsafeRepositoryError

# Options passed before every subcommand: a repository's own config must not make git run programs.
_SAFE_OPTIONS = ("-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false", "-c", "core.quotePath=false")

GIT_TIMEOUT = 300.0
"""Seconds one git command may run before it is killed: a stall guard, far above any real listing."""


class GitListingError(TargetError):
    """git could not list the work tree (dubious ownership, corrupt index, missing executable...)."""


@dataclass(frozen=True)
class HistorySummary:
    """A few figures about a repository's recent history, for the developer-experience criterion."""

    commits: int
    """Number of commits examined (at most ``max_commits``)."""
    authors: int
    """Distinct authors (by mailmapped e-mail, case-insensitive) among those commits."""
    first_commit: str | None
    """ISO-8601 author date of the oldest examined commit, None for an empty repository."""
    last_commit: str | None
    """ISO-8601 author date of the newest commit, None for an empty repository."""
    authors_by_language: tuple[tuple[str, int], ...] = ()
    """(extension group, distinct authors who touched files of that group): groups "go", "rust", "other"."""
    truncated: bool = False
    """True when the history is longer than ``max_commits`` and only the newest were examined."""


class _GitFailed(Exception):
    """A git command that exited non-zero or could not run; ``stderr`` is git's own words ("" when it said none)."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


def _last_line(exc: BaseException) -> str:
    """git's own last word (its "fatal:" line) rather than a whole command echo."""
    stderr = str(getattr(exc, "stderr", "") or "").strip().strip("'").strip()
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    fatal = [line[line.index(word) :] for line in lines for word in ("fatal:", "error:") if word in line]
    if fatal:
        return fatal[0]
    if lines:
        return lines[-1]
    text = str(exc).strip()
    return text.splitlines()[-1] if text else repr(exc)


def _run(cwd: Path, *args: str, git_dir: str | None = None, timeout: float | None = GIT_TIMEOUT) -> bytes:
    """Run ``git <safe options> args`` in ``cwd`` (under a timeout) and return its raw stdout; raise GitListingError.

    ``git_dir``: run inside that git directory and forbid git to look above it for another repository. It is
    not passed as ``--git-dir``, which would skip git's ownership check (``safe.directory``). The process is
    started directly (GitPython's import alone costs a small run more than its whole listing); stdin is closed
    and messages are in English so that ``_last_line`` can find git's "fatal:" line. A git that waits to open a
    named pipe is stopped at once (``_wait``).
    """
    env = dict(os.environ, LANGUAGE="C", LC_ALL="C")
    if git_dir is not None:
        env["GIT_CEILING_DIRECTORIES"] = str(Path(git_dir).parent)
    argv = ["git", *_SAFE_OPTIONS, *args]
    try:
        try:
            process = subprocess.Popen(
                argv,
                cwd=str(git_dir or cwd),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except FileNotFoundError as exc:
            if not Path(git_dir or cwd).is_dir():
                raise _GitFailed(f"{git_dir or cwd}: no such folder") from exc
            raise GitListingError(f"git is not available: {exc.strerror}: {exc.filename}") from exc
        except OSError as exc:
            raise _GitFailed(f"git could not start: {exc.strerror or exc}") from exc
        with process:
            stdout, stderr = _wait(process, args[0] if args else "", timeout)
        if process.returncode != 0:
            raise _GitFailed(f"git {args[0] if args else ''} exited with {process.returncode}", stderr)
    except _GitFailed as exc:
        raise GitListingError(_last_line(exc)) from exc
    return stdout


STALL_POLL = 0.25
"""Seconds between two looks at a running git: is it waiting to open a named pipe?"""

_FIFO_OPEN_WAITS = frozenset({"wait_for_partner", "fifo_open"})
"""Linux's /proc/PID/wchan while a process waits in open() for the other end of a FIFO."""


def _wait(process: subprocess.Popen[bytes], command: str, timeout: float | None) -> tuple[bytes, str]:
    """(stdout, stderr) of a finished git; kill it when it waits on a FIFO or outlives ``timeout``.

    git opens every ``.gitignore`` of the untracked folders it walks, and a named pipe there makes it wait forever
    for a writer: on Linux that wait shows in /proc, and the command is stopped at once instead of at the timeout.
    """
    started = time.monotonic()
    while True:
        try:
            out, err = process.communicate(timeout=STALL_POLL)
            return out, err.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            if _opening_fifo(process.pid):
                why = f"git {command} stopped: it waited to open a named pipe (FIFO), e.g. a .gitignore that is one"
            elif timeout is not None and time.monotonic() - started > timeout:
                why = f"git {command} did not finish within {timeout:g} s"
            else:
                continue
        process.kill()
        process.communicate()
        raise _GitFailed(why)


def _opening_fifo(pid: int) -> bool:
    """Whether the process sleeps in open() on a FIFO (Linux; elsewhere only the timeout guards)."""
    try:
        return Path(f"/proc/{pid}/wchan").read_text(encoding="ascii").strip() in _FIFO_OPEN_WAITS
    except OSError:
        return False


def is_work_tree(path: Path) -> Path | None:
    """Top-level directory of the git work tree that contains ``path``, or None (not in one, or bare).

    Raises GitListingError when the repository is unsafe for git (a FIFO where git reads its metadata).
    """
    try:
        found = gitdir.find(path)
    except UnsafeRepositoryError as exc:
        raise GitListingError(str(exc)) from exc
    if found is None or found.top is None:
        return None
    return found.top


def list_work_tree_files(top: Path, sub: str) -> list[str]:
    """Files git knows under ``top/sub``: tracked plus untracked-not-ignored, relative to ``top/sub``.

    Tracked files deleted from disk are still listed (the caller's stat skips them); entries for nested
    repositories end with "/" and are dropped here. Raises GitListingError when git refuses to list.
    """
    cwd = top / sub if sub not in ("", ".") else top
    tracked = _run(cwd, "ls-files", "-z", "--cached")
    _check_ignore_files(top, sub, tracked)
    untracked = _run(cwd, "ls-files", "-z", "--others", "--exclude-standard")
    seen: set[str] = set()
    paths: list[str] = []
    for item in (tracked + b"\0" + untracked).split(b"\0"):
        if not item or item.endswith(b"/"):
            continue
        path = os.fsdecode(item)
        if path not in seen:  # a conflicted path appears once per stage
            seen.add(path)
            paths.append(path)
    return paths


def _check_ignore_files(top: Path, sub: str, tracked: bytes) -> None:
    """Refuse to let git read a .gitignore that is a FIFO (git opens it and waits forever).

    git lists neither FIFOs nor sockets, so the folders checked are the analyzed folder, its parents up to the
    top, and every folder holding a tracked file: one stat each. A FIFO in a folder with no tracked file is
    stopped by ``_wait`` when git opens it (on Linux; elsewhere by the listing's timeout).
    """
    folders = {item.rpartition(b"/")[0] for item in tracked.split(b"\0") if item}
    parts = [] if sub in ("", ".") else sub.split("/")
    base = str(top.joinpath(*parts))
    try:
        for folder in sorted(folders):  # strings, not pathlib: one per folder of a large tree
            gitdir.require_regular(f"{base}/{os.fsdecode(folder)}/.gitignore" if folder else f"{base}/.gitignore")
        for depth in range(len(parts)):
            gitdir.require_regular(top.joinpath(*parts[:depth], ".gitignore"))
    except UnsafeRepositoryError as exc:
        raise GitListingError(str(exc)) from exc


def _group(path: str) -> str:
    if path.endswith(".go"):
        return "go"
    if path.endswith(".rs"):
        return "rust"
    return "other"


def history_summary(
    path: Path, max_commits: int = 2000, since: str | None = None, whole_repository: bool = False
) -> HistorySummary | None:
    """Commits, authors and dates of the newest ``max_commits`` commits (after ``since``, a git date such as
    "2 years ago"); None when not a git repository, or, with ``whole_repository``, when ``path`` is only a folder
    inside one (its history would be the enclosing project's)."""
    try:
        top = is_work_tree(path)
    except GitListingError:
        return None
    if top is None or (whole_repository and top.resolve() != path.resolve()):
        return None
    try:
        raw = _run(
            top,
            "log",
            f"--max-count={max_commits + 1}",
            *([f"--since={since}"] if since else []),
            "--no-renames",
            "--no-textconv",
            "--no-ext-diff",
            "--numstat",
            "--format=%x00%aE%x1f%aI",
        )
    except GitListingError:
        # An empty repository has no HEAD: that is a history of zero commits, not an error.
        return HistorySummary(commits=0, authors=0, first_commit=None, last_commit=None)
    text = raw.decode("utf-8", errors="replace")
    records = [r for r in text.split("\0") if r.strip()]
    truncated = len(records) > max_commits
    records = records[:max_commits]
    authors: set[str] = set()
    by_group: dict[str, set[str]] = {}
    dates: list[str] = []
    for record in records:
        header, _, body = record.partition("\n")
        email, _, date = header.partition("\x1f")
        author = email.strip().lower()
        authors.add(author)
        dates.append(date.strip())
        for line in body.splitlines():
            parts = line.split("\t", 2)
            if len(parts) == 3:
                by_group.setdefault(_group(parts[2].strip('"')), set()).add(author)
    return HistorySummary(
        commits=len(records),
        authors=len(authors),
        first_commit=dates[-1] if dates else None,
        last_commit=dates[0] if dates else None,
        authors_by_language=tuple(sorted((group, len(names)) for group, names in by_group.items())),
        truncated=truncated,
    )


# -- reading a revision from git objects (no checkout, no worktree) -----------------------------------

_BLOB_CHUNK = 1 << 20
_LINK_TARGET_LIMIT = 4096


class GitRevisionError(TargetError):
    """A revision cannot be read: not a repository, unknown revision, path absent at that revision."""


@dataclass(frozen=True)
class RevisionEntry:
    """One entry of a revision's tree, as ``git ls-tree -r -l`` lists it."""

    path: str
    """POSIX path relative to the analyzed folder."""
    kind: str
    """"file", "link" (mode 120000), "submodule" (a commit in the tree) or "missing" (blob absent from the store)."""
    sha: str
    """Object name (hex) of the blob, or of the submodule's commit."""
    size: int
    """Blob size in bytes (0 for submodules)."""


@dataclass(frozen=True)
class RevisionLocation:
    """Where a revision lives: the repository, the full commit name and the folder inside it."""

    git_dir: str
    """The repository's git directory (a bare repository's own directory)."""
    commit: str
    """Full hex name of the commit."""
    prefix: str
    """Folder inside the repository that is analyzed, "" for its root."""
    tree: str
    """Hex name of the tree object of that folder at the commit."""


def _find(path: Path) -> gitdir.GitDir:
    try:
        found = gitdir.find(path)
    except UnsafeRepositoryError as exc:
        raise GitRevisionError(str(exc)) from exc
    if found is None:
        raise GitRevisionError(f"{path}: not inside a git repository")
    return found


def _open_repo(path: Path) -> Any:
    found = _find(path)  # GitPython reads HEAD, config and refs itself: they must be safe to open first
    try:
        import git

        return git.Repo(str(found.git_dir))
    except ImportError as exc:
        raise GitRevisionError(f"git is not available: {exc}") from exc
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, OSError, ValueError) as exc:
        raise GitRevisionError(f"{path}: not inside a git repository") from exc


def _prefix(found: gitdir.GitDir, path: Path) -> str:
    """The folder of ``path`` inside the work tree, "" for the root or for a bare repository."""
    if found.top is None:
        return ""
    rel = os.path.relpath(os.path.realpath(path), found.top)
    if rel == "." or rel.startswith(".."):
        return ""
    parts = rel.replace(os.sep, "/").split("/")
    return "" if ".git" in parts else "/".join(parts)


def _resolve(found: gitdir.GitDir, expression: str) -> str | None:
    """The full hex name ``expression`` resolves to, None when it names nothing; raise when git itself fails."""
    where = str(found.git_dir)
    try:
        out = _run(found.git_dir, "rev-parse", "--verify", "--quiet", "--end-of-options", expression, git_dir=where)
    except GitListingError as exc:
        if not str(getattr(exc.__cause__, "stderr", "") or "").strip(" '\n"):
            return None  # --quiet: git says nothing when the name is simply unknown
        raise GitRevisionError(f"git cannot read the repository at {where}: {exc}") from exc
    return out.decode("ascii", "replace").strip() or None


def _unknown(found: gitdir.GitDir, rev: str, path: Path) -> str:
    """Why ``rev`` resolves to no commit, in the words a user can act on."""
    where = str(found.git_dir)
    if _resolve(found, "HEAD") is None and not _run(found.git_dir, "for-each-ref", "--count=1", git_dir=where):
        return f"{path}: the repository has no commits"
    if (found.common_dir / "shallow").exists():
        return (
            f"unknown revision {rev!r} in {path}: it is a shallow clone whose history stops earlier "
            "(fetch more with `git fetch --deepen=N` or `--unshallow`)"
        )
    return f"unknown revision {rev!r} in {path}"


def locate_revision(path: Path, rev: str) -> RevisionLocation:
    """Resolve ``rev`` in the repository holding ``path`` (a work tree folder or a bare repository).

    git resolves the name itself (``rev-parse``): GitPython's lazy loading of parents failed outside any
    error handler on a shallow clone.
    """
    found = _find(path)
    prefix = _prefix(found, path)
    try:
        gitdir.check_name(found, rev)
    except UnsafeRepositoryError as exc:
        raise GitRevisionError(str(exc)) from exc
    try:
        commit = _resolve(found, f"{rev}^{{commit}}")
        if commit is None:
            raise GitRevisionError(_unknown(found, rev, path))
        tree = _resolve(found, f"{commit}:{prefix}" if prefix else f"{commit}^{{tree}}")
        if tree is None:
            raise GitRevisionError(f"{prefix}: no such folder at revision {rev!r}")
        kind = _run(found.git_dir, "cat-file", "-t", tree, git_dir=str(found.git_dir)).strip() if prefix else b"tree"
    except GitListingError as exc:
        raise GitRevisionError(f"git could not resolve revision {rev!r} in {path}: {exc}") from exc
    if kind != b"tree":
        raise GitRevisionError(f"{prefix}: not a folder at revision {rev!r}")
    return RevisionLocation(git_dir=str(found.git_dir), commit=commit, prefix=prefix, tree=tree)


def _objects_dir(git_dir: str) -> str:
    found = gitdir.find(Path(git_dir), search_parents=False)
    return str((found.common_dir if found is not None else Path(git_dir)) / "objects")


def _check_loose_blobs(location: RevisionLocation) -> None:
    """Raise UnsafeRepositoryError when a loose blob of the tree is a FIFO or another special file.

    ``ls-tree -l`` opens every blob for its size and would wait forever on a FIFO. Blobs are stat-ed only in
    the loose-object folders that exist: a packed repository costs one directory listing.
    """
    objects = _objects_dir(location.git_dir)
    try:
        with os.scandir(objects) as listing:
            loose = {entry.name for entry in listing if len(entry.name) == 2}
    except OSError:
        return
    if not loose:
        return
    names = _run(Path(location.git_dir), "ls-tree", "-r", "-z", "--full-tree", location.tree, git_dir=location.git_dir)
    for record in names.split(b"\0"):
        fields = record.partition(b"\t")[0].split()
        if len(fields) == 3 and fields[1] == b"blob" and fields[2][:2].decode("ascii", "replace") in loose:
            sha = fields[2].decode("ascii", "replace")
            gitdir.require_regular(f"{objects}/{sha[:2]}/{sha[2:]}")


def list_revision(location: RevisionLocation) -> list[RevisionEntry]:
    """Every file, symlink and submodule under the location's tree, in git's order.

    One ``git ls-tree`` lists names, modes and sizes together: asking the object database for the size
    of each blob in turn is about twenty times slower on a large tree.
    """
    try:
        _check_loose_blobs(location)
        raw = _run(
            Path(location.git_dir), "ls-tree", "-r", "-l", "-z", "--full-tree", location.tree, git_dir=location.git_dir
        )
    except (GitListingError, UnsafeRepositoryError) as exc:
        raise GitRevisionError(f"git could not list revision {location.commit[:12]}: {exc}") from exc
    entries: list[RevisionEntry] = []
    for record in raw.split(b"\0"):
        head, tab, name = record.partition(b"\t")
        fields = head.split()
        if not tab or len(fields) != 4:
            continue
        mode, kind, sha, size = (f.decode("ascii", "replace") for f in fields)
        path = os.fsdecode(name)
        if kind == "commit":
            entries.append(RevisionEntry(path, "submodule", sha, 0))
        elif kind == "blob" and not size.isdigit():
            entries.append(RevisionEntry(path, "missing", sha, 0))  # ls-tree prints "BAD": the object is absent
        elif kind == "blob":
            entries.append(RevisionEntry(path, "link" if mode == "120000" else "file", sha, int(size)))
    return entries


class BlobReader:
    """Reads blobs of one repository through one long-lived ``git cat-file`` process; close it when done.

    A reader opened before a fork is not used in the child: the child opens its own, so two processes
    never share one cat-file pipe.
    """

    def __init__(self, git_dir: str) -> None:
        self._git_dir = git_dir
        self._repo: Any = None
        self._pid = 0
        self._objects = _objects_dir(git_dir)
        """Where loose objects live: each is checked to be a regular file before cat-file opens it."""

    # A worker process gets the reader without its pipes and opens its own.
    def __getstate__(self) -> dict[str, object]:
        return {"_git_dir": self._git_dir, "_repo": None, "_pid": 0, "_objects": self._objects}

    def _handle(self) -> Any:
        if self._repo is None or self._pid != os.getpid():
            self._repo = _open_repo(Path(self._git_dir))
            self._pid = os.getpid()
        return self._repo

    def read(self, sha: str, limit: int) -> bytes | None:
        """The first ``limit`` bytes of a blob; None when it cannot be read."""
        try:
            # a FIFO in place of a loose object would block the long-lived cat-file, which has no timeout
            gitdir.require_regular(f"{self._objects}/{sha[:2]}/{sha[2:]}")
            stream = self._handle().odb.stream(bytes.fromhex(sha))
            data = stream.read(max(limit, 0))
            # The rest must be drained before the next request; chunks keep a huge blob out of memory.
            while stream.read(_BLOB_CHUNK):
                pass
        except (TargetError, ValueError, OSError):  # OSError covers a cat-file process that died (EPIPE)
            self.close()  # the pipe may be out of step now: the next read starts a fresh process
            return None
        return bytes(data)

    def close(self) -> None:
        """Stop the cat-file processes."""
        if self._repo is not None and self._pid == os.getpid():
            self._repo.close()
        self._repo = None


def read_link_target(reader: BlobReader, sha: str) -> str | None:
    """The target path stored in a symlink blob, None when unreadable or not a plausible path."""
    data = reader.read(sha, _LINK_TARGET_LIMIT)
    if data is None or b"\0" in data or len(data) >= _LINK_TARGET_LIMIT:
        return None
    return os.fsdecode(data)


# -- batch sources: bare repositories, HEAD commits, shallow clones ----------------------------------


class GitCloneError(TargetError):
    """A remote repository could not be cloned or fetched (bad URL, network, refused protocol)."""


def is_bare(path: Path) -> bool:
    """True when ``path`` itself is a bare repository (not a work tree, not a folder inside one)."""
    return gitdir.is_bare(path)


def head_commit(path: Path) -> str | None:
    """Full hex name of the commit HEAD points to in the repository holding ``path``; None when it has none.

    None covers a folder outside any repository, an empty repository and a corrupt one alike. HEAD is read
    from git's own files when they allow it (no process at all); git is asked only when they do not.
    Raises UnsafeRepositoryError (a TargetError) when git could hang on the repository.
    """
    found = gitdir.find(path)
    if found is None:
        return None
    quick = gitdir.head_commit(found)
    if quick is not None:
        return quick
    try:
        return _resolve(found, "HEAD^{commit}")
    except (GitRevisionError, GitListingError):
        return None


def clone_shallow(url: str, dest: Path) -> None:
    """Bare clone of the newest commit of ``url``'s default branch into ``dest``; refetch when it exists.

    Only the remote's default branch is fetched, at depth 1, without tags; ``ext::`` transports, which run
    programs, are refused. A re-fetch replaces the branch HEAD points to, so HEAD is the newest commit.
    """
    if url.startswith("-"):
        raise GitCloneError(f"{url}: not a repository URL")
    guard = ("-c", "protocol.ext.allow=never")
    try:
        if (dest / "HEAD").is_file():
            branch = _run(dest, "symbolic-ref", "HEAD").decode("utf-8", "replace").strip()
            _run(dest, *guard, "fetch", "--depth=1", "--no-tags", "--quiet", "origin", f"+HEAD:{branch}", timeout=None)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            _run(
                dest.parent,
                *guard,
                "clone",
                "--bare",
                "--depth=1",
                "--single-branch",
                "--no-tags",
                "--quiet",
                "--",
                url,
                str(dest),
                timeout=None,  # a clone may take long: the batch's per-repository timeout bounds it
            )
    except (GitListingError, OSError) as exc:
        cause = exc.__cause__
        stderr = str(getattr(cause, "stderr", "") or "")
        fatal = [line.strip(" '") for line in stderr.splitlines() if "fatal:" in line]
        raise GitCloneError(f"{url}: cannot clone: {fatal[0].split('fatal:', 1)[1].strip() if fatal else exc}") from exc
