"""The compiled name matchers of classification give what one fnmatch per glob gave: the manifest registry, the
component manifests of paths.toml and the filename globs of languages.toml, on names built from every glob."""

from __future__ import annotations

import fnmatch
import pickle
import posixpath

import pytest

from analyzer import manifests
from analyzer.inventory.globs import GlobSet
from analyzer.inventory.languages import LanguageTable, load_languages
from analyzer.inventory.scan import PathRules, load_path_rules
from analyzer.model import Role

FILLS = ("", "x", "a.b/c", ".")
"""What a wildcard is replaced with to build names around each glob."""
FOLDERS = ("", "a/", "roles/web/")


def _names(globs: list[str]) -> list[str]:
    names = {"", ".", "README.md", "main.go", "x.txt.in", "Dockerfile.j2"}
    for glob in globs:
        if not any(c in glob for c in "*?/"):
            names.update({glob, glob + "x"})
            continue
        for fill in FILLS:
            name = glob.replace("*", fill).replace("?", fill[:1] or "q")
            names.update({name, name + "x", "x" + name, name.upper()})
    return sorted(f"{folder}{name}" for folder in FOLDERS for name in names)


def _registry_reference(path: str) -> manifests._Entry | None:
    """The first registry entry by one fnmatch per entry (the matcher this module's compiled one replaced)."""
    if path.endswith(manifests._TEMPLATE_SUFFIXES):
        return None
    for entry in manifests._REGISTRY:
        if "/" in entry.pattern:
            hit = fnmatch.fnmatchcase(path, "*/" + entry.pattern) or fnmatch.fnmatchcase(path, entry.pattern)
        else:
            hit = fnmatch.fnmatchcase(posixpath.basename(path), entry.pattern)
        if hit:
            return entry
    return None


def test_manifest_registry_matches_as_fnmatch() -> None:
    paths = _names([e.pattern for e in manifests._REGISTRY])
    assert len(paths) > 500
    assert [manifests._entry_for(p) for p in paths] == [_registry_reference(p) for p in paths]


@pytest.fixture(scope="module")
def path_rules() -> PathRules:
    return load_path_rules()


@pytest.fixture(scope="module")
def languages() -> LanguageTable:
    return load_languages()


def test_component_manifests_match_as_fnmatch(path_rules: PathRules) -> None:
    paths = _names([glob for glob, _ in path_rules.manifests])
    found = [path_rules.ecosystem(p) for p in paths]
    reference = [
        next((eco for glob, eco in path_rules.manifests if fnmatch.fnmatchcase(p.rpartition("/")[2], glob)), None)
        for p in paths
    ]
    assert found == reference
    assert found.count(None) < len(found)


def test_filename_globs_match_as_fnmatch(languages: LanguageTable) -> None:
    bases = sorted({p.rpartition("/")[2] for p in _names([glob for glob, _ in languages.filename_globs])})
    reference = [
        languages.filenames.get(b)
        or next((lang for glob, lang in languages.filename_globs if fnmatch.fnmatchcase(b, glob)), None)
        for b in bases
    ]
    assert [languages._by_name(b) for b in bases] == reference
    assert reference.count(None) < len(reference)


@pytest.mark.parametrize(
    ("globs", "name", "first"),
    [
        pytest.param(("*.md", "README*"), "README.md", 0, id="order-decides"),
        pytest.param(("README*", "*.md"), "README.md", 0, id="order-decides-reversed"),
        pytest.param(("*.go",), "a/b.go", 0, id="star-crosses-slash"),
        pytest.param(("*.GO",), "b.go", None, id="case-counts"),
        pytest.param(("go.mod",), "go.mod\n", None, id="whole-name"),
        pytest.param(("*.txt",), "bad-\udcff.txt", 0, id="not-utf8"),
        pytest.param(("x[0-9].c", "*.c"), "x1.c", 0, id="class-by-fnmatch"),
        pytest.param(("x[0-9].c", "*.c"), "xa.c", 1, id="class-misses"),
        pytest.param(("a+b(c)|d.*",), "a+b(c)|d.e", 0, id="regex-characters-literal"),
        pytest.param((), "x", None, id="empty"),
    ],
)
def test_glob_set(globs: tuple[str, ...], name: str, first: int | None) -> None:
    found = GlobSet(globs).first(name)
    assert found == first
    assert pickle.loads(pickle.dumps(GlobSet(globs))).first(name) == first
    if "\udcff" not in name:
        assert found == next((i for i, g in enumerate(globs) if fnmatch.fnmatchcase(name, g)), None)


def _role_paths(path_rules: PathRules) -> list[str]:
    names = {"main.go", "README.md", "x.min.js"}
    for _, patterns in path_rules.role_patterns:
        for pattern in patterns:
            bare = pattern.lstrip("!").replace("**/", "").strip("/")
            for fill in ("", "x", "a/b"):
                names.add(bare.replace("**", fill).replace("*", fill))
    folders = ("", "a/", "src/main/java/", "pkg/test/y/", "src/test/resources/", "vendor/")
    return sorted(
        {f"{folder}{name}" for folder in folders for name in names if name}
        | {f"{folder}{name}/inner/file.go" for folder in folders for name in names if name}
    )


@pytest.mark.parametrize(
    "vetoed",
    [frozenset(), frozenset({Role.VENDORED}), frozenset({Role.GENERATED, Role.DOCS})],
    ids=["none", "vendored", "generated-docs"],
)
def test_role_matcher_decides_as_one_spec_per_role(path_rules: PathRules, vetoed: frozenset[Role]) -> None:
    """One RE2 pass per file gives the role that asking pathspec's GitIgnoreSpec of each role in turn gave."""
    paths = _role_paths(path_rules)
    assert len(paths) > 2000
    matcher = pickle.loads(pickle.dumps(path_rules)).role_matcher
    assert matcher is not None
    reference = [
        next((role for role, spec in path_rules.roles if role not in vetoed and spec.match_file(p)), Role.SOURCE)
        for p in paths
    ]
    assert [matcher.role(p, vetoed) for p in paths] == reference
    assert len(set(reference) | vetoed) == len(path_rules.role_patterns) + 1  # every role and SOURCE occur
