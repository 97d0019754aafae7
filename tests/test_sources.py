"""Batch sources: URLs told from paths, list files, discovery, probing commits, shallow clones into the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.batch.sources import (
    Source,
    SourceKind,
    cache_location,
    classify,
    collect,
    discover,
    is_url,
    materialize,
    probe,
    read_list,
)
from analyzer.errors import TargetError
from analyzer.target import git as gitinfo
from tests.batch_repos import commit_all, make_bare, make_corrupt, make_repo


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param("https://github.com/owner/repo.git", True, id="https"),
        pytest.param("ssh://git@host/owner/repo", True, id="ssh"),
        pytest.param("git@github.com:owner/repo.git", True, id="scp-like"),
        pytest.param("file:///srv/git/repo.git", True, id="file-url"),
        pytest.param("./repos/service", False, id="relative-path"),
        pytest.param("/srv/repos/service", False, id="absolute-path"),
        pytest.param("C:/work", False, id="drive-letter-is-not-scp"),
        pytest.param("repo:with-colon", False, id="colon-without-user"),
    ],
)
def test_is_url(spec: str, expected: bool) -> None:
    assert is_url(spec) is expected


def test_cache_location_is_a_safe_distinct_name(tmp_path: Path) -> None:
    one = cache_location("https://example.com/a/../../etc/passwd", tmp_path)
    two = cache_location("https://other.example.com/a/repo.git", tmp_path)
    three = cache_location("https://example.com/b/repo.git", tmp_path)
    assert one.parent == tmp_path
    assert ".." not in one.name
    assert "/" not in one.name
    assert two.name.startswith("repo-")
    assert two != three


def test_classify(tmp_path: Path) -> None:
    work = make_repo(tmp_path, "go-cli-tool")
    bare = make_bare(work, tmp_path / "bare.git")
    assert classify(str(work), tmp_path / "cache").kind is SourceKind.PATH
    assert classify(str(bare), tmp_path / "cache").kind is SourceKind.BARE
    url = classify("https://example.com/x/y.git", tmp_path / "cache")
    assert url.kind is SourceKind.URL
    assert Path(url.location).parent == tmp_path / "cache"


def test_read_list_skips_blank_lines_and_comments(tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text("# portfolio\n\n  ./a  \nhttps://example.com/b.git\n   # indented comment\n./c\n")
    assert read_list(listing) == ["./a", "https://example.com/b.git", "./c"]


def test_read_list_splits_at_newlines_only(tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text("./odd\u2028name\r\n./next\x85part\n", encoding="utf-8")
    assert read_list(listing) == ["./odd\u2028name", "./next\x85part"]


def test_read_list_of_a_missing_file_is_a_target_error(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="cannot read the source list"):
        read_list(tmp_path / "absent.txt")


def test_discover_lists_repositories_only(tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    root.mkdir()
    make_repo(root, "go-cli-tool", "b-service")
    make_bare(make_repo(tmp_path, "rust-cli-tool"), root / "a-core.git")
    make_corrupt(root, "c-broken")
    (root / "notes").mkdir()
    (root / "README.md").write_text("not a repo\n")
    (root / "d-link").symlink_to(tmp_path / "rust-cli-tool")
    found = [Path(p).name for p in discover(root)]
    assert found == ["a-core.git", "b-service", "c-broken"]


def test_collect_keeps_order_and_drops_duplicates(tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    root.mkdir()
    make_repo(root, "go-cli-tool", "svc")
    listing = tmp_path / "list.txt"
    listing.write_text(f"{root}/svc/\nhttps://example.com/x.git\n")
    sources = collect([f"{root}/svc", "https://example.com/x.git"], tmp_path / "cache", [listing], [root])
    assert [s.spec for s in sources] == [f"{root}/svc", "https://example.com/x.git"]
    assert [s.kind for s in sources] == [SourceKind.PATH, SourceKind.URL]


def test_probe(tmp_path: Path) -> None:
    work = make_repo(tmp_path, "go-cli-tool")
    head = gitinfo.head_commit(work)
    bare = make_bare(work, tmp_path / "bare.git")
    plain = tmp_path / "plain"
    plain.mkdir()
    (tmp_path / "file.txt").write_text("x")
    cache = tmp_path / "cache"
    assert head is not None
    assert probe(classify(str(work), cache)).commit == head
    assert probe(classify(str(bare), cache)).commit == head
    assert probe(classify(str(plain), cache)) == probe(Source(str(plain), SourceKind.PATH, str(plain)))
    assert probe(classify(str(plain), cache)).versioned is False
    assert "no such file or directory" in (probe(classify(str(tmp_path / "absent"), cache)).error or "")
    assert "not a directory" in (probe(classify(str(tmp_path / "file.txt"), cache)).error or "")
    broken = probe(classify(str(make_corrupt(tmp_path)), cache))
    assert broken.commit is None
    assert "HEAD is not a readable commit" in (broken.error or "")
    assert probe(classify("https://example.com/x.git", cache)).error is None


def test_materialize_clones_and_refreshes_a_url(tmp_path: Path) -> None:
    work = make_repo(tmp_path, "go-cli-tool")
    source = classify(f"file://{work}", tmp_path / "cache")
    first = materialize(source)
    assert gitinfo.is_bare(first)
    assert gitinfo.head_commit(first) == gitinfo.head_commit(work)
    (work / "extra.go").write_text("package main\n")
    newest = commit_all(work, "second")
    assert gitinfo.head_commit(materialize(source)) == newest


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("file:///nonexistent/repo.git", id="missing-remote"),
        pytest.param("ext::sh -c touch% /tmp/rustgo-pwned", id="ext-transport-refused"),
    ],
)
def test_materialize_failures_are_target_errors(tmp_path: Path, url: str) -> None:
    source = Source(url, SourceKind.URL, str(tmp_path / "cache" / "x.git"))
    with pytest.raises(TargetError, match="cannot clone"):
        materialize(source)
    assert not Path("/tmp/rustgo-pwned").exists()


def test_clone_shallow_refuses_option_like_urls(tmp_path: Path) -> None:
    with pytest.raises(gitinfo.GitCloneError, match="not a repository URL"):
        gitinfo.clone_shallow("--upload-pack=touch /tmp/x", tmp_path / "x.git")


def test_bare_repository_with_garbage_head_fails_as_a_repository(tmp_path: Path) -> None:
    bare = make_bare(make_repo(tmp_path, "go-cli-tool"), tmp_path / "broken.git")
    (bare / "HEAD").write_text("garbage-not-a-ref\n", encoding="utf-8")
    source = classify(str(bare), tmp_path / "cache")
    assert source.kind is SourceKind.BARE
    result = probe(source)
    assert result.commit is None
    assert result.error is not None
    assert "corrupt" in result.error
