"""The compiled-knowledge cache: hits equal a fresh build, misses rebuild, foreign or broken entries are ignored."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer import knowledge
from analyzer.knowledge import cache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RUSTGO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RUSTGO_NO_CACHE", raising=False)
    return tmp_path / "cache"


def _fresh() -> knowledge.Knowledge:
    """What ``load()`` gives with no cache at all."""
    built = knowledge._build()
    return dataclasses.replace(built, rules=built.rules.select())


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("knowledge-*.pickle")) if folder.exists() else []


def test_a_hit_is_the_same_knowledge_as_a_build(folder: Path) -> None:
    first = knowledge.load()
    assert len(_entries(folder)) == 1
    second = knowledge.load()
    assert second == first
    assert second == _fresh()


def test_weights_and_selection_apply_after_the_cache(folder: Path) -> None:
    knowledge.load()
    tuned = knowledge.load({"performance": 3.0}, select=("WASM",))
    assert {c.id: c.weight for c in tuned.criteria.criteria}["performance"] == 3.0
    assert tuned.rules.rules
    assert all(r.id.startswith("WASM") or r.category == "WASM" for r in tuned.rules.rules)
    assert knowledge.load() == _fresh()  # the cached entry was not changed by the tuning


def test_the_key_follows_the_content_and_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = knowledge.content_digest()
    monkeypatch.setattr(knowledge, "__version__", "999.0")
    assert knowledge.content_digest() != before


@pytest.mark.parametrize("damage", ["truncated", "garbage", "group-writable", "wrong-type"])
def test_a_damaged_or_foreign_entry_is_a_miss(folder: Path, damage: str) -> None:
    knowledge.load()
    (entry,) = _entries(folder)
    if damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:100])
    elif damage == "garbage":
        entry.write_bytes(b"not a pickle")
    elif damage == "group-writable":
        entry.chmod(0o664)
    else:
        entry.write_bytes(pickle.dumps({"not": "knowledge"}))
    assert knowledge.load() == _fresh()


def test_a_symlinked_entry_is_not_followed(folder: Path, tmp_path: Path) -> None:
    knowledge.load()
    (entry,) = _entries(folder)
    elsewhere = tmp_path / "elsewhere.pickle"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    assert cache.read(entry.name.removeprefix("knowledge-").removesuffix(".pickle")) is None


def test_turned_off_writes_nothing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUSTGO_NO_CACHE", "1")
    assert knowledge.load() == _fresh()
    assert _entries(folder) == []


def test_an_unwritable_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("RUSTGO_CACHE_DIR", str(blocker / "cache"))
    assert knowledge.load() == _fresh()


def test_two_processes_at_once_leave_one_whole_entry(folder: Path) -> None:
    code = "from analyzer import knowledge; k = knowledge.load(); print(len(k.rules.rules))"
    env = {**os.environ, "RUSTGO_CACHE_DIR": str(folder)}
    procs = [
        subprocess.Popen([sys.executable, "-P", "-c", code], stdout=subprocess.PIPE, env=env, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outs[0] == outs[1] == str(len(_fresh().rules.rules))
    assert len(_entries(folder)) == 1
    assert not list(folder.glob(".knowledge-*"))  # no temporary file left behind
    assert knowledge.load() == _fresh()


def test_the_key_follows_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry written by other code at the same version (a development install) is never read."""
    before = knowledge.content_digest()
    real = knowledge._module_source
    monkeypatch.setattr(knowledge, "_module_source", lambda name: real(name) + b"# edited\n")
    assert knowledge.content_digest() != before
