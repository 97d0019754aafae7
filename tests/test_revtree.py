"""RevisionTree over real git repositories: same report as the work tree, older commits, bare clones, subfolders,
symlinks and submodules in git objects, bounded reads, pickling, and errors that name the revision."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import git
import pytest

from analyzer.engine import Options, analyze
from analyzer.errors import TargetError
from analyzer.knowledge import Knowledge
from analyzer.knowledge import load as load_knowledge
from analyzer.reports.json import to_dict
from analyzer.target import git as gitinfo
from analyzer.target.revision import RevisionTree, resolve_link
from analyzer.target.worktree import WorkTree

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AUTHOR = git.Actor("Test Author", "author@example.com")


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _commit_all(root: Path, message: str) -> git.Repo:
    repo = git.Repo(root) if (root / ".git").exists() else git.Repo.init(root)
    repo.git.add("-A", "--force")
    repo.index.commit(message, author=AUTHOR, committer=AUTHOR)
    return repo


def _listing(tree: RevisionTree) -> tuple[list[str], dict[str, str]]:
    files, diagnostics = tree.list_files()
    return [f.path for f in files], {d.path: d.message for d in diagnostics}


def _comparable(report: object) -> dict[str, object]:
    data = to_dict(report)  # type: ignore[arg-type]
    data["stats"].pop("seconds")
    data["target"].pop("revision")
    return data


@pytest.mark.parametrize(
    "fixture",
    [
        pytest.param("go-services-rust-core", id="both"),
        pytest.param("rust-wasm-lib", id="wasm"),
        pytest.param("python-with-rust-ext", id="pyo3"),
    ],
)
def test_revision_report_equals_work_tree_report(tmp_path: Path, knowledge: Knowledge, fixture: str) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / fixture, root)
    repo = _commit_all(root, "fixture")
    work = analyze(WorkTree(root), knowledge, Options(jobs=1))
    with RevisionTree(root, "HEAD") as tree:
        revision = analyze(tree, knowledge, Options(jobs=1), revision=tree.revision)
    assert revision.target.revision == repo.head.commit.hexsha
    assert json.dumps(_comparable(revision), sort_keys=True) == json.dumps(_comparable(work), sort_keys=True)


def test_older_revision_bare_clone_and_subfolder(tmp_path: Path, knowledge: Knowledge) -> None:
    root = tmp_path / "repo"
    _write(
        root,
        {
            "svc/main.go": "package main\n\nfunc main() {\n\tgo serve()\n}\n\nfunc serve() {}\n",
            "svc/go.mod": "module example.com/svc\n\ngo 1.22\n",
        },
    )
    _commit_all(root, "go service")
    _write(
        root, {"core/Cargo.toml": '[package]\nname = "core"\nversion = "0.1.0"\n', "core/src/lib.rs": "pub fn f() {}\n"}
    )
    _commit_all(root, "rust core")
    (root / "svc" / "main.go").unlink()  # the work tree differs from every commit: revisions must not read it
    with RevisionTree(root, "HEAD~1") as tree:
        assert _listing(tree)[0] == ["svc/go.mod", "svc/main.go"]
    bare = tmp_path / "bare.git"
    git.Repo.clone_from(str(root), str(bare), bare=True)
    with RevisionTree(bare, "HEAD") as tree:
        paths = _listing(tree)[0]
        assert paths == ["core/Cargo.toml", "core/src/lib.rs", "svc/go.mod", "svc/main.go"]
        assert tree.read("svc/main.go", 12) == b"package main"
    with RevisionTree(root / "svc", "HEAD") as tree:
        assert tree.prefix == "svc"
        assert _listing(tree)[0] == ["go.mod", "main.go"]
        report = analyze(tree, knowledge, Options(jobs=1))
    assert {m.category for m in report.markers} >= {"existing-go", "concurrency:goroutines"}
    assert "existing-rust" not in {m.category for m in report.markers}


@pytest.mark.parametrize(
    ("rev", "where", "message"),
    [
        pytest.param("no-such-branch", ".", "no-such-branch", id="unknown-name"),
        pytest.param("HEAD~5", ".", "HEAD~5", id="beyond-history"),
        pytest.param("deadbeef", ".", "deadbeef", id="unknown-sha"),
        pytest.param("HEAD", "gone", "gone", id="folder-absent-at-revision"),
    ],
)
def test_bad_revisions_raise_target_error(tmp_path: Path, rev: str, where: str, message: str) -> None:
    _write(tmp_path, {"a.txt": "a\n"})
    _commit_all(tmp_path, "one")
    (tmp_path / "gone").mkdir()
    with pytest.raises(TargetError, match=message):
        RevisionTree(tmp_path / where, rev)


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="not inside a git repository"):
        RevisionTree(tmp_path, "HEAD")


def test_symlinks_in_git_objects(tmp_path: Path) -> None:
    _write(tmp_path, {"real/lib.rs": "pub fn f() {}\n", "top.txt": "top\n"})
    links = {
        "inside.rs": "real/lib.rs",
        "via-dir": "realdir/lib.rs",
        "realdir": "real",
        "outside": "../../etc/passwd",
        "absolute": "/etc/passwd",
        "dangling": "real/missing.rs",
        "loop-a": "loop-b",
        "loop-b": "loop-a",
        "to-dir": "real",
        "self": ".",
    }
    for name, target in links.items():
        (tmp_path / name).symlink_to(target)
    _commit_all(tmp_path, "links")
    with RevisionTree(tmp_path, "HEAD") as tree:
        paths, problems = _listing(tree)
        assert paths == ["inside.rs", "real/lib.rs", "top.txt", "via-dir"]
        assert tree.read("inside.rs", 100) == b"pub fn f() {}\n"
        assert tree.read("via-dir", 6) == b"pub fn"
        assert tree.read("realdir", 100) is None
    assert problems == {
        "outside": "symlink points outside the repository; skipped",
        "absolute": "symlink points outside the repository; skipped",
        "dangling": "dangling symlink; skipped",
        "loop-a": "symlink loop; skipped",
        "loop-b": "symlink loop; skipped",
    }


@pytest.mark.parametrize(
    ("link", "targets", "expected"),
    [
        pytest.param("a/l", {"a/l": "../b/f"}, ("b/f", ""), id="relative-up"),
        pytest.param("l", {"l": "x/../../f"}, (None, "symlink points outside the repository; skipped"), id="escapes"),
        pytest.param("l", {"l": "m/f", "m": "d"}, ("d/f", ""), id="through-linked-dir"),
        pytest.param("l", {"l": None}, (None, "dangling symlink; skipped"), id="unreadable"),
    ],
)
def test_resolve_link(link: str, targets: dict[str, str | None], expected: tuple[str | None, str]) -> None:
    assert resolve_link(link, targets) == expected


def test_submodule_is_skipped_with_info(tmp_path: Path) -> None:
    _write(tmp_path, {"a.txt": "a\n"})
    repo = _commit_all(tmp_path, "one")
    sha = repo.head.commit.hexsha
    repo.git.update_index("--add", "--cacheinfo", f"160000,{sha},vendor/dep")
    repo.index.update()
    repo.index.commit("submodule", author=AUTHOR, committer=AUTHOR)
    with RevisionTree(tmp_path, "HEAD") as tree:
        files, diagnostics = tree.list_files()
    assert [f.path for f in files] == ["a.txt"]
    assert [(d.path, d.severity.value) for d in diagnostics] == [("vendor/dep", "info")]
    assert sha[:12] in diagnostics[0].message


def test_gitignore_does_not_apply_but_gitattributes_does(tmp_path: Path, knowledge: Knowledge) -> None:
    _write(
        tmp_path,
        {
            ".gitignore": "build/\n",
            "build/gen.go": "package gen\n",
            ".gitattributes": "third_party/** linguist-vendored\n",
            "third_party/x.go": "package x\n",
        },
    )
    _commit_all(tmp_path, "forced")  # build/ is committed in spite of .gitignore
    with RevisionTree(tmp_path, "HEAD") as tree:
        assert "build/gen.go" in _listing(tree)[0]
        report = analyze(tree, knowledge, Options(jobs=1))
    excluded = {f.path: f.excluded for f in report.findings}
    assert excluded.get("third_party/x.go") == "vendored"
    assert excluded.get("build/gen.go") is None


def test_bounded_reads_keep_the_pipe_in_step(tmp_path: Path) -> None:
    _write(tmp_path, {"big.bin": b"x" * (3 << 20), "small.txt": "small\n"})
    _commit_all(tmp_path, "big")
    with RevisionTree(tmp_path, "HEAD") as tree:
        files, _ = tree.list_files()
        assert {f.path: f.size for f in files} == {"big.bin": 3 << 20, "small.txt": 6}
        assert tree.read("big.bin", 4) == b"xxxx"
        assert tree.read("small.txt", 100) == b"small\n"
        assert tree.read("../small.txt", 100) is None
        assert tree.read("./small.txt", 100) == b"small\n"
        copy = pickle.loads(pickle.dumps(tree))
        assert copy.read("small.txt", 3) == b"sma"
        copy.close()


def test_exclude_patterns(tmp_path: Path) -> None:
    _write(tmp_path, {"keep.go": "package a\n", "gen/skip.go": "package b\n"})
    _commit_all(tmp_path, "one")
    with RevisionTree(tmp_path, "HEAD", extra_ignores=["gen/"]) as tree:
        assert _listing(tree)[0] == ["keep.go"]


def test_blob_reader_survives_a_missing_object(tmp_path: Path) -> None:
    _write(tmp_path, {"a.txt": "hello\n"})
    repo = _commit_all(tmp_path, "one")
    reader = gitinfo.BlobReader(str(repo.git_dir))
    try:
        assert reader.read("0" * 40, 10) is None
        blob = repo.head.commit.tree / "a.txt"
        assert reader.read(blob.hexsha, 10) == b"hello\n"
    finally:
        reader.close()


def test_missing_blob_is_a_diagnostic(tmp_path: Path) -> None:
    """A blob absent from the object store (a partial or damaged clone) is skipped with a diagnostic."""
    from git import Actor, Repo

    from analyzer.engine import Options, analyze
    from analyzer.knowledge import load as load_knowledge
    from analyzer.target.revision import RevisionTree

    author = Actor("Test Author", "author@example.com")
    repo = Repo.init(tmp_path)
    (tmp_path / "main.go").write_text(
        "package main\n\nfunc main() {\n\tgo run()\n}\n\nfunc run() {}\n", encoding="utf-8"
    )
    (tmp_path / "lost.c").write_text("#include <stdlib.h>\nvoid f(void) { free(malloc(1)); }\n", encoding="utf-8")
    repo.index.add(["main.go", "lost.c"])
    repo.index.commit("init", author=author, committer=author)
    sha = repo.head.commit.tree["lost.c"].hexsha
    (tmp_path / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    with RevisionTree(tmp_path, "HEAD") as tree:
        report = analyze(tree, load_knowledge(), Options(jobs=1), revision=tree.revision)
    assert any(d.path == "lost.c" and "missing" in d.message for d in report.diagnostics)
    assert "unsafe-memory" not in {m.category for m in report.markers}
    assert "existing-go" in {m.category for m in report.markers}
