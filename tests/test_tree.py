"""WorkTree over real directories and real git repositories: ignores, symlinks, bounds, reads; gitinfo."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import git
import pytest

from analyzer.target import git as gitinfo
from analyzer.target.worktree import WorkTree


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _commit(root: Path, paths: list[str], message: str = "init", email: str = "dev@example.com") -> git.Repo:
    repo = git.Repo(root) if (root / ".git").exists() else git.Repo.init(root)
    with repo.config_writer() as config:
        config.set_value("user", "name", email.split("@")[0])
        config.set_value("user", "email", email)
    repo.index.add(paths)
    actor = git.Actor(email.split("@")[0], email)
    repo.index.commit(message, author=actor, committer=actor)
    return repo


def _paths(tree: WorkTree) -> list[str]:
    files, _ = tree.list_files()
    return [f.path for f in files]


_IGNORING_TREE: dict[str, str | bytes] = {
    ".gitignore": "*.log\nbuild/\n!keep.log\n",
    "src/main.py": "print(1)\n",
    "src/debug.log": "x",
    "keep.log": "x",
    "build/out.o": "x",
    "pkg/.gitignore": "generated.go\n",
    "pkg/generated.go": "package pkg\n",
    "pkg/real.go": "package pkg\n",
    "pkg/sub/generated.go": "package sub\n",
}
_EXPECTED = [".gitignore", "keep.log", "pkg/.gitignore", "pkg/real.go", "src/main.py"]


def test_walk_honours_gitignore_at_every_level(tmp_path: Path) -> None:
    _write(tmp_path, _IGNORING_TREE)
    (tmp_path / ".git").mkdir()  # a stray .git folder that is not a repository is still skipped
    (tmp_path / ".git" / "config").write_text("x")
    assert _paths(WorkTree(tmp_path)) == _EXPECTED


def test_git_listing_has_tracked_and_untracked_not_ignored(tmp_path: Path) -> None:
    _write(tmp_path, _IGNORING_TREE)
    _commit(tmp_path, [".gitignore", "src/main.py"])
    (tmp_path / "new_untracked.rs").write_text("fn main() {}\n")
    assert _paths(WorkTree(tmp_path)) == sorted([*_EXPECTED, "new_untracked.rs"])


def test_git_listing_skips_deleted_tracked_files(tmp_path: Path) -> None:
    _write(tmp_path, {"a.go": "package a\n", "b.go": "package a\n"})
    _commit(tmp_path, ["a.go", "b.go"])
    (tmp_path / "b.go").unlink()
    files, diagnostics = WorkTree(tmp_path).list_files()
    assert [(f.path, f.size) for f in files] == [("a.go", 10)]
    assert diagnostics == ()


def test_git_listing_of_a_subfolder_is_relative_to_it(tmp_path: Path) -> None:
    _write(tmp_path, {"top.txt": "x", "svc/main.go": "package main\n", "svc/internal/x.go": "package x\n"})
    _commit(tmp_path, ["top.txt", "svc/main.go", "svc/internal/x.go"])
    assert _paths(WorkTree(tmp_path / "svc")) == ["internal/x.go", "main.go"]


def test_extra_ignores(tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": "", "gen/b.py": "", "c.txt": ""})
    tree = WorkTree(tmp_path, extra_ignores=["gen/", "*.txt"])
    assert _paths(tree) == ["a.py"]


@pytest.mark.parametrize("use_git", [pytest.param(False, id="walk"), pytest.param(True, id="git")])
def test_symlinks(tmp_path: Path, use_git: bool) -> None:
    outside = tmp_path / "outside"
    _write(outside, {"secret.txt": "top secret", "dir/x.txt": "x"})
    root = tmp_path / "repo"
    _write(root, {"src/real.py": "print(1)\n"})
    (root / "out_file").symlink_to(outside / "secret.txt")
    (root / "out_dir").symlink_to(outside / "dir")
    (root / "dangling").symlink_to(root / "missing")
    (root / "loop").symlink_to(root / "loop")
    (root / "src" / "alias.py").symlink_to(root / "src" / "real.py")
    (root / "src" / "up").symlink_to(root)  # a directory loop: must not be entered
    if use_git:
        _commit(root, ["src/real.py", "out_file", "out_dir", "dangling", "loop", "src/alias.py", "src/up"])
    files, diagnostics = WorkTree(root).list_files()
    assert [f.path for f in files] == ["src/alias.py", "src/real.py"]
    messages = {d.path: d.message for d in diagnostics}
    assert messages["out_file"] == "symlink points outside the repository; skipped"
    assert messages["out_dir"] == "symlink points outside the repository; skipped"
    assert "dangling" in messages["dangling"]
    assert "loop" in messages["loop"]
    assert all(d.stage == "inventory" for d in diagnostics)


def test_git_tracked_file_under_a_directory_replaced_by_outside_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _write(outside, {"a.c": "int x;\n"})
    root = tmp_path / "repo"
    _write(root, {"lib/a.c": "int y;\n", "main.c": "int main;\n"})
    _commit(root, ["lib/a.c", "main.c"])
    (root / "lib" / "a.c").unlink()
    (root / "lib").rmdir()
    (root / "lib").symlink_to(outside)
    tree = WorkTree(root)
    assert _paths(tree) == ["main.c"]
    assert tree.read("lib/a.c", 100) is None


@pytest.mark.parametrize(
    ("path", "limit", "expected"),
    [
        pytest.param("a.txt", 100, b"0123456789", id="whole"),
        pytest.param("a.txt", 4, b"0123", id="bounded"),
        pytest.param("a.txt", 0, b"", id="zero"),
        pytest.param("d/../a.txt", 100, None, id="dotdot"),
        pytest.param("/etc/passwd", 100, None, id="absolute"),
        pytest.param("../outside.txt", 100, None, id="escape"),
        pytest.param("link_out", 100, None, id="symlink-out"),
        pytest.param("link_in", 100, b"0123456789", id="symlink-in"),
        pytest.param("missing", 100, None, id="missing"),
        pytest.param("d", 100, None, id="directory"),
        pytest.param("fifo", 100, None, id="fifo"),
    ],
)
def test_read(tmp_path: Path, path: str, limit: int, expected: bytes | None) -> None:
    (tmp_path / "outside.txt").write_text("secret")
    root = tmp_path / "repo"
    _write(root, {"a.txt": "0123456789", "d/b.txt": "b"})
    (root / "link_out").symlink_to(tmp_path / "outside.txt")
    (root / "link_in").symlink_to(root / "a.txt")
    os.mkfifo(root / "fifo")
    assert WorkTree(root).read(path, limit) == expected


def test_fifo_is_not_listed(tmp_path: Path) -> None:
    _write(tmp_path, {"a.txt": "x"})
    os.mkfifo(tmp_path / "pipe")
    assert _paths(WorkTree(tmp_path)) == ["a.txt"]


def test_file_count_is_bounded(tmp_path: Path) -> None:
    _write(tmp_path, {f"f{i:02}.txt": "x" for i in range(12)})
    files, diagnostics = WorkTree(tmp_path, max_files=5).list_files()
    assert len(files) == 5
    assert any("more than 5 files" in d.message for d in diagnostics)


def test_tree_survives_pickling(tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": "", "b.log": ""})
    tree = pickle.loads(pickle.dumps(WorkTree(tmp_path, extra_ignores=["*.log"])))
    assert _paths(tree) == ["a.py"]
    assert tree.root == str(tmp_path)


def test_is_work_tree(tmp_path: Path) -> None:
    assert gitinfo.is_work_tree(tmp_path) is None
    _write(tmp_path, {"sub/a.go": "package a\n"})
    _commit(tmp_path, ["sub/a.go"])
    assert gitinfo.is_work_tree(tmp_path / "sub") == Path(os.path.realpath(tmp_path))


def test_history_summary(tmp_path: Path) -> None:
    assert gitinfo.history_summary(tmp_path) is None
    _write(tmp_path, {"main.go": "package main\n"})
    _commit(tmp_path, ["main.go"], "go", "gopher@example.com")
    _write(tmp_path, {"lib.rs": "fn f() {}\n", "README.md": "x\n"})
    _commit(tmp_path, ["lib.rs", "README.md"], "rust", "crab@example.com")
    _write(tmp_path, {"main.go": "package main\n\nfunc main() {}\n"})
    _commit(tmp_path, ["main.go"], "more go", "Gopher@Example.com")
    summary = gitinfo.history_summary(tmp_path)
    assert summary is not None
    assert (summary.commits, summary.authors, summary.truncated) == (3, 2, False)
    assert dict(summary.authors_by_language) == {"go": 1, "rust": 1, "other": 1}
    assert summary.first_commit is not None
    assert summary.last_commit is not None
    assert summary.first_commit <= summary.last_commit
    limited = gitinfo.history_summary(tmp_path, max_commits=2)
    assert limited is not None
    assert (limited.commits, limited.truncated) == (2, True)


def test_history_summary_of_empty_repository(tmp_path: Path) -> None:
    git.Repo.init(tmp_path)
    summary = gitinfo.history_summary(tmp_path)
    assert summary is not None
    assert (summary.commits, summary.authors, summary.first_commit) == (0, 0, None)


def test_invalid_gitignore_lines_are_diagnostics(tmp_path: Path) -> None:
    _write(tmp_path, {".gitignore": "!\n\\\n*.log\n", "a.log": "x", "b.py": ""})
    files, diagnostics = WorkTree(tmp_path).list_files()
    assert [f.path for f in files] == [".gitignore", "b.py"]
    assert [(d.path, d.message.split(":")[0]) for d in diagnostics] == [
        (".gitignore", "line 1"),
        (".gitignore", "line 2"),
    ]


@pytest.mark.parametrize(
    "ignore",
    [
        pytest.param("a*\n!README.md\n", id="file-re-included-inside-an-ignored-directory"),
        pytest.param("**/x\nfoo/\n!foo/\n", id="directory-re-included-then-file-ignored"),
        pytest.param("docs/\n!*.py\n*.md\n!README.md\n", id="negations"),
        pytest.param("a/**\n!a/keep\n", id="double-star-tail"),
        pytest.param("*/keep\nb\n!b\n/top\n", id="anchored-and-unanchored"),
    ],
)
def test_walk_agrees_with_git(tmp_path: Path, ignore: str) -> None:
    files = ["top/a/README.md", "gen/foo/x", "foo/m.py", "docs/README.md", "docs/z.md", "a/keep", "a/b", "b", "x/keep"]
    _write(tmp_path, {".gitignore": ignore, **{path: "x" for path in files}})
    walked = _paths(WorkTree(tmp_path))
    repo = git.Repo.init(tmp_path)
    listed = sorted(repo.git.ls_files("-o", "--exclude-standard").splitlines())
    assert walked == listed
