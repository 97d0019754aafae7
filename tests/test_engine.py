"""The whole pipeline on small real trees and real git repositories: what counts, what does not, determinism."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from git import Actor, Repo

from analyzer.engine import Options, analyze
from analyzer.facts import content as contents
from analyzer.knowledge import Knowledge
from analyzer.knowledge import load as load_knowledge
from analyzer.model import Report
from analyzer.reports.json import to_dict
from analyzer.target.worktree import WorkTree

AUTHOR = Actor("Test Author", "author@example.com")


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _run(root: Path, knowledge: Knowledge, **options: int) -> Report:
    return analyze(WorkTree(root), knowledge, Options(**options))


def _categories(report: Report) -> set[str]:
    return {m.category for m in report.markers}


def test_git_listing_skips_ignored_files(tmp_path: Path, knowledge: Knowledge) -> None:
    _write(
        tmp_path,
        {
            "main.go": "package main\n\nfunc main() {\n\tgo work()\n}\n\nfunc work() {}\n",
            "go.mod": "module example.com/x\n\ngo 1.22\n",
            ".gitignore": "build/\n",
            "build/Dockerfile": "FROM scratch\n",
        },
    )
    repo = Repo.init(tmp_path)
    repo.index.add(["main.go", "go.mod", ".gitignore"])
    repo.index.commit("init", author=AUTHOR, committer=AUTHOR)
    (tmp_path / "extra.go").write_text("package main\n", encoding="utf-8")  # untracked, not ignored
    report = _run(tmp_path, knowledge)
    paths = {f.path for f in report.findings}
    assert "build/Dockerfile" not in paths
    assert "container" not in _categories(report)
    assert {"existing-go", "concurrency:goroutines"} <= _categories(report)
    assert any(f.path == "extra.go" for f in report.findings)


def test_facts_that_do_not_count(tmp_path: Path, knowledge: Knowledge) -> None:
    _write(
        tmp_path,
        {
            "app.py": "# import threading would be nice\ns = 'import multiprocessing'\nprint(s)\n",
            "README.md": "We could use tokio, axum and Kubernetes here.\n",
            "vendor/lib/Dockerfile": "FROM golang\n",
            "examples/demo/Cargo.toml": '[package]\nname = "demo"\nversion = "0.1.0"\n',
            "examples/demo/src/main.rs": "fn main() { std::thread::spawn(|| {}); }\n",
            "poetry.lock": '[[package]]\nname = "flask"\nversion = "3.0.0"\n',
        },
    )
    report = _run(tmp_path, knowledge)
    assert _categories(report) == set()
    excluded = {m.category for m in report.excluded}
    assert "container" in excluded
    assert report.verdict.language.value == "undecided"


def test_broken_manifest_is_a_diagnostic(tmp_path: Path, knowledge: Knowledge) -> None:
    _write(
        tmp_path,
        {
            "package.json": '{"dependencies": {"express": "^4"',
            "go.mod": "module example.com/x\n\nrequire github.com/gin-gonic/gin v1.9.0\n",
            "main.go": 'package main\n\nimport "github.com/gin-gonic/gin"\n\nfunc main() { gin.Default().Run() }\n',
        },
    )
    report = _run(tmp_path, knowledge)
    assert any(d.path == "package.json" for d in report.diagnostics)
    assert "http-server" in _categories(report)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_out_of_root_is_not_read(tmp_path: Path, knowledge: Knowledge) -> None:
    outside = tmp_path / "outside"
    _write(outside, {"secret.c": "#include <stdlib.h>\nvoid f(void) { char *p = malloc(4); free(p); }\n"})
    root = tmp_path / "repo"
    _write(root, {"main.py": "print('hi')\n"})
    (root / "link.c").symlink_to(outside / "secret.c")
    (root / "loop").symlink_to(root, target_is_directory=True)
    report = _run(root, knowledge)
    assert "unsafe-memory" not in _categories(report)
    assert any(d.path == "link.c" for d in report.diagnostics)


def test_deterministic_and_parallel_equal(
    tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    root = fixtures / "cpp-game-engine"
    first = to_dict(_run(root, knowledge, jobs=1))
    monkeypatch.setattr(contents, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(contents, "BATCH_BYTES", 1)
    second = to_dict(_run(root, knowledge, jobs=2))
    for data in (first, second):
        data["stats"]["seconds"] = 0
    assert first == second
    assert first["markers"]


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_pool_workers_never_import_from_the_current_folder(
    tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """A repository analysed from inside, with a root ``multiprocessing`` package: spawn and forkserver workers
    (macOS, Windows, Linux from Python 3.14) start ``python -c``, which would import it from the current folder."""
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    repo = tmp_path / "repo"
    repo.mkdir()
    planted = repo / "multiprocessing"
    planted.mkdir()
    marker = tmp_path / "imported-from-the-repository"
    # It leaves a mark, then hands over to the real package, so that a child that imported it still works and
    # the test fails on the mark instead of hanging on a broken pool.
    (planted / "__init__.py").write_text(
        f"import importlib, os, sys\nopen({str(marker)!r}, 'w').close()\n"
        "sys.path[:] = [p for p in sys.path if p not in ('', os.getcwd())]\n"
        "del sys.modules['multiprocessing']\n"
        "sys.modules['multiprocessing'] = importlib.import_module('multiprocessing')\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(repo)
    monkeypatch.setattr(contents, "POOL_START", method)
    monkeypatch.setattr(contents, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(contents, "BATCH_BYTES", 1)
    monkeypatch.delenv("PYTHONSAFEPATH", raising=False)
    parallel = to_dict(_run(fixtures / "cpp-game-engine", knowledge, jobs=2))
    assert not marker.exists()
    assert os.environ.get("PYTHONSAFEPATH") is None  # set only while the pool runs
    alone = to_dict(_run(fixtures / "cpp-game-engine", knowledge, jobs=1))
    for data in (parallel, alone):
        data["stats"]["seconds"] = 0
    assert parallel == alone


def test_read_cap_bounds_bytes(tmp_path: Path, knowledge: Knowledge) -> None:
    _write(tmp_path, {"big.c": "int x;\n" * 100_000 + "void f(void) { free(0); }\n"})
    report = _run(tmp_path, knowledge, max_file_size=4096)
    assert report.stats.bytes_read <= 4096
    assert "unsafe-memory" not in _categories(report)


def test_rustgoignore_leaves_paths_out(tmp_path: Path, knowledge: Knowledge) -> None:
    _write(
        tmp_path,
        {
            ".rustgoignore": "# generated clients\nlegacy/\n*.Dockerfile\n",
            "legacy/server.c": "#include <stdlib.h>\nvoid f(void) { char *p = malloc(8); free(p); }\n",
            "ci.Dockerfile": "FROM golang:1.22\n",
            "main.go": "package main\n\nfunc main() {}\n",
        },
    )
    report = _run(tmp_path, knowledge)
    assert not any(f.path.startswith("legacy/") or f.path == "ci.Dockerfile" for f in report.findings)
    assert {"unsafe-memory", "container"}.isdisjoint(_categories(report))
    assert "existing-go" in _categories(report)


def test_content_cache_rematches_only_changed_files(tmp_path: Path, knowledge: Knowledge) -> None:
    _write(
        tmp_path,
        {
            "a.c": "#include <stdlib.h>\nvoid f(void) { char *p = malloc(4); free(p); }\n",
            "b.c": "#include <pthread.h>\nvoid g(void) { pthread_t t; pthread_create(&t, 0, 0, 0); }\n",
        },
    )
    cache = contents.ContentCache()
    first = analyze(WorkTree(tmp_path), knowledge, Options(jobs=1), cache=cache)
    assert cache.reused == 0
    assert cache.hits
    (tmp_path / "b.c").write_text("int g(void) { return 0; }\n", encoding="utf-8")
    second = analyze(WorkTree(tmp_path), knowledge, Options(jobs=1), cache=cache)
    assert cache.reused == 1  # a.c unchanged: its hits were reused, b.c was matched again
    assert {f.path for f in first.findings if f.path.endswith(".c")} == {"a.c", "b.c"}
    assert {f.path for f in second.findings if f.path.endswith(".c")} == {"a.c"}
    uncached = analyze(WorkTree(tmp_path), knowledge, Options(jobs=1))
    assert uncached.findings == second.findings


def test_a_category_seen_only_in_one_test_file_does_not_count(tmp_path: Path, knowledge: Knowledge) -> None:
    _write(
        tmp_path,
        {
            "src/lib.c": "#include <stdlib.h>\nvoid f(void) { char *p = malloc(4); free(p); }\n",
            "tests/fixtures_gen.py": "import argparse\nparser = argparse.ArgumentParser()\n",
            "test/integration/hello.go": "package main\n\nfunc main() {}\n",
        },
    )
    report = _run(tmp_path, knowledge)
    assert {"cli", "existing-go"}.isdisjoint(_categories(report))
    assert {"cli", "existing-go"} <= {m.category for m in report.excluded}
    assert "unsafe-memory" in _categories(report)


def test_a_parser_crash_is_a_diagnostic(tmp_path: Path, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzer.manifests import python as python_manifests

    def crash(path: str, text: str, ctx: object) -> None:
        raise SyntaxError("parser bug")

    monkeypatch.setattr(python_manifests, "parse_requirements", crash)
    _write(tmp_path, {"requirements.txt": "flask\n", "main.go": "package main\n\nfunc main() {}\n"})
    report = _run(tmp_path, knowledge)
    assert any(d.path == "requirements.txt" and "parser failed" in d.message for d in report.diagnostics)
    assert "existing-go" in _categories(report)
