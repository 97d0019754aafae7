"""The inventory stage: roles, generated markers, .gitattributes overrides, components, minimal reads."""

from __future__ import annotations

import pickle
from pathlib import Path

import git
import pytest

from analyzer.errors import RuleError
from analyzer.inventory.languages import LanguageTable, load_languages
from analyzer.inventory.scan import PathRules, load_path_rules, parse_path_rules, scan
from analyzer.model import Diagnostic, Inventory, Role
from analyzer.target.worktree import TreeFile, WorkTree


@pytest.fixture(scope="module")
def languages() -> LanguageTable:
    return load_languages()


@pytest.fixture(scope="module")
def rules() -> PathRules:
    return load_path_rules()


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _scan(root: Path, languages: LanguageTable, rules: PathRules) -> Inventory:
    return scan(WorkTree(root), languages, rules)


def _by_path(inventory: Inventory) -> dict[str, tuple[str | None, Role, str]]:
    return {f.path: (f.language, f.role, f.component) for f in inventory.files}


@pytest.mark.parametrize(
    ("path", "role"),
    [
        pytest.param("src/main.rs", Role.SOURCE, id="plain-source"),
        pytest.param("package-lock.json", Role.SOURCE, id="lockfile-is-not-generated"),
        pytest.param(".github/workflows/ci.yml", Role.SOURCE, id="ci-config"),
        pytest.param(".github/workflows/smoke/Dockerfile", Role.TEST, id="ci-smoke-image"),
        pytest.param(".github/scripts/manifest_updater.py", Role.TEST, id="ci-helper-script"),
        pytest.param(".github/actions/retest/Dockerfile", Role.TEST, id="ci-local-action"),
        pytest.param(".github/dependabot.yml", Role.SOURCE, id="dependabot-config"),
        pytest.param("node_modules/left-pad/index.js", Role.VENDORED, id="node-modules"),
        pytest.param("web/node_modules/x/y.js", Role.VENDORED, id="nested-node-modules"),
        pytest.param("vendor/github.com/pkg/errors/errors.go", Role.VENDORED, id="go-vendor"),
        pytest.param("third_party/zlib/inflate.c", Role.VENDORED, id="third-party"),
        pytest.param("3rdparty/lib.c", Role.VENDORED, id="3rdparty"),
        pytest.param("deps/lua/lua.c", Role.VENDORED, id="root-deps"),
        pytest.param("src/deps/graph.rs", Role.SOURCE, id="nested-deps-is-code"),
        pytest.param("src/external/glfw/deps/glad/gl.h", Role.VENDORED, id="nested-deps-library-folder"),
        pytest.param("lib/deps/sds/sds.c", Role.VENDORED, id="nested-deps-of-a-library"),
        pytest.param("pkg/proc/_fixtures/testvars.go", Role.FIXTURE, id="underscore-fixtures"),
        pytest.param("src/test-hexfloat.cc", Role.TEST, id="test-dash-prefix-cc"),
        pytest.param("test/units/plugins/loader_fixtures/import_fixture.py", Role.FIXTURE, id="named-fixtures"),
        pytest.param("Godeps/_workspace/src/x.go", Role.VENDORED, id="godeps"),
        pytest.param("static/app.min.js", Role.VENDORED, id="minified-name"),
        pytest.param("tests/vendor/x.py", Role.VENDORED, id="vendored-beats-test"),
        pytest.param("api/v1/service.pb.go", Role.GENERATED, id="pb-go"),
        pytest.param("proto/svc_pb2.py", Role.GENERATED, id="pb2-python"),
        pytest.param("ui/Form.Designer.cs", Role.GENERATED, id="designer"),
        pytest.param("lib/models.g.dart", Role.GENERATED, id="dart-generated"),
        pytest.param("web/dist/bundle.js", Role.GENERATED, id="dist"),
        pytest.param("pkg/zz_generated.deepcopy.go", Role.GENERATED, id="k8s-deepcopy"),
        pytest.param("testdata/site/Cargo.toml", Role.FIXTURE, id="go-testdata"),
        pytest.param("internal/x/testdata/in.json", Role.FIXTURE, id="nested-testdata"),
        pytest.param("test/fixtures/app.py", Role.FIXTURE, id="test-fixtures"),
        pytest.param("src/__snapshots__/a.snap", Role.FIXTURE, id="snapshots"),
        pytest.param("src/test/resources/app.yml", Role.FIXTURE, id="java-test-resources"),
        pytest.param("examples/server/main.go", Role.EXAMPLE, id="examples"),
        pytest.param("example/a.py", Role.EXAMPLE, id="example"),
        pytest.param("samples/demo.c", Role.EXAMPLE, id="samples"),
        pytest.param("robyn/scaffold/postgres/Dockerfile", Role.EXAMPLE, id="scaffold-template"),
        pytest.param("tpl/{{cookiecutter.project_slug}}/setup.py", Role.EXAMPLE, id="cookiecutter"),
        pytest.param("docs/examples/x.py", Role.EXAMPLE, id="example-beats-docs"),
        pytest.param("src/main/java/com/example/demo/App.java", Role.SOURCE, id="jvm-package-named-example"),
        pytest.param("src/test/java/com/example/AppTest.java", Role.TEST, id="jvm-test-package-example"),
        pytest.param("docs/conf.py", Role.DOCS, id="docs-dir"),
        pytest.param("Documentation/process.rst", Role.DOCS, id="documentation"),
        pytest.param("README.md", Role.DOCS, id="readme"),
        pytest.param("README", Role.DOCS, id="readme-bare"),
        pytest.param("CHANGELOG.md", Role.DOCS, id="changelog"),
        pytest.param("LICENSE-APACHE", Role.DOCS, id="license"),
        pytest.param("pkg/notes.md", Role.DOCS, id="markdown-anywhere"),
        pytest.param("tests/README.md", Role.DOCS, id="docs-beats-test"),
        pytest.param("man/tool.1", Role.DOCS, id="man"),
        pytest.param("tests/test_app.py", Role.TEST, id="tests-dir"),
        pytest.param("pkg/server_test.go", Role.TEST, id="go-test"),
        pytest.param("app/test_models.py", Role.TEST, id="pytest-prefix"),
        pytest.param("app/models_test.py", Role.TEST, id="pytest-suffix"),
        pytest.param("conftest.py", Role.TEST, id="conftest"),
        pytest.param("src/app.spec.ts", Role.TEST, id="spec-ts"),
        pytest.param("src/app.test.js", Role.TEST, id="test-js"),
        pytest.param("src/__tests__/a.js", Role.TEST, id="jest-dir"),
        pytest.param("spec/models/user_spec.rb", Role.TEST, id="rspec"),
        pytest.param("src/test/java/FooTest.java", Role.TEST, id="maven-test"),
        pytest.param("Tests/AppTests/AppTests.swift", Role.TEST, id="swift-tests"),
        pytest.param("benches/parse.rs", Role.TEST, id="rust-benches"),
        pytest.param("src/contest.py", Role.SOURCE, id="not-a-test"),
        pytest.param("src/latest/handler.go", Role.SOURCE, id="latest-is-not-test"),
        pytest.param("locales/it/messages.json", Role.SOURCE, id="italian-is-not-a-test"),
    ],
)
def test_roles_by_path(tmp_path: Path, languages: LanguageTable, rules: PathRules, path: str, role: Role) -> None:
    _write(tmp_path, {path: "x = 1\n"})
    (entry,) = _scan(tmp_path, languages, rules).files
    assert (entry.path, entry.role) == (path, role)


@pytest.mark.parametrize(
    ("head", "role"),
    [
        pytest.param("// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n", Role.GENERATED, id="go-marker"),
        pytest.param(
            "// Copyright 2024 Acme\n//\n// Code generated by mockgen. DO NOT EDIT.\npackage x\n",
            Role.GENERATED,
            id="marker-after-license",
        ),
        pytest.param("/*\n * @generated by relay\n */\npackage x\n", Role.GENERATED, id="at-generated"),
        pytest.param(
            "package x\n\n// Generate IDs for users.\nfunc Generate() {}\n", Role.SOURCE, id="mentions-generate"
        ),
        pytest.param('package x\n\nconst s = "auto-generated, DO NOT EDIT"\n', Role.SOURCE, id="marker-in-string"),
        pytest.param(
            "/* DO NOT EDIT: written by tools/gen_tables.py */\npackage x\n", Role.GENERATED, id="do-not-edit"
        ),
        pytest.param(
            "package x\n\n// Do not edit the settings while the server runs.\n", Role.SOURCE, id="prose-do-not-edit"
        ),
    ],
)
def test_generated_marker(tmp_path: Path, languages: LanguageTable, rules: PathRules, head: str, role: Role) -> None:
    _write(tmp_path, {"pkg/x.go": head})
    (entry,) = _scan(tmp_path, languages, rules).files
    assert entry.role is role


def test_minified_javascript_is_generated(tmp_path: Path, languages: LanguageTable, rules: PathRules) -> None:
    _write(tmp_path, {"static/app.js": "var a=1;" * 200 + "\n", "static/ok.js": "const a = 1;\n"})
    found = _by_path(_scan(tmp_path, languages, rules))
    assert found["static/app.js"][1] is Role.GENERATED
    assert found["static/ok.js"][1] is Role.SOURCE


def test_languages_binaries_and_shebangs(tmp_path: Path, languages: LanguageTable, rules: PathRules) -> None:
    _write(
        tmp_path,
        {
            "include/a.h": "#include <vector>\nclass A {};\n",
            "include/b.h": "int b(void);\n",
            "bin/tool": "#!/usr/bin/env python3\nprint(1)\n",
            "bin/blob": b"\x7fELF\x02\x01\x00\x00",
            "src/fake.c": b"\x00\x01\x02binary",
            "empty.py": "",
            "logo.png": b"\x89PNG\r\n\x1a\n\x00",
        },
    )
    found = _by_path(_scan(tmp_path, languages, rules))
    assert {path: language for path, (language, _, _) in found.items()} == {
        "include/a.h": "C++",
        "include/b.h": "C",
        "bin/tool": "Python",
        "bin/blob": None,
        "src/fake.c": None,
        "empty.py": "Python",
        "logo.png": None,
    }


def test_gitattributes_override(tmp_path: Path, languages: LanguageTable, rules: PathRules) -> None:
    _write(
        tmp_path,
        {
            ".gitattributes": "# linguist overrides\n"
            "vendor/** -linguist-vendored\n"
            "lib/bundled/** linguist-vendored\n"
            "api/*.go linguist-generated=true\n"
            "docs/tool.py linguist-documentation=false\n"
            "*.h linguist-language=C++\n"
            "!negated linguist-vendored\n"
            "notes linguist-documentation\n",
            "vendor/ours/lib.go": "package ours\n",
            "lib/bundled/x.c": "int x;\n",
            "api/types.go": "package api\n",
            "api/v2/types.go": "package v2\n",
            "docs/tool.py": "print(1)\n",
            "include/a.h": "int a(void);\n",
            "sub/.gitattributes": "*.go linguist-vendored\nkeep.go !linguist-vendored\n",
            "sub/x.go": "package sub\n",
            "sub/keep.go": "package sub\n",
            "notes/n.go": "package notes\n",
        },
    )
    inventory = _scan(tmp_path, languages, rules)
    found = _by_path(inventory)
    assert found["vendor/ours/lib.go"][1] is Role.SOURCE
    assert found["lib/bundled/x.c"][1] is Role.VENDORED
    assert found["api/types.go"][1] is Role.GENERATED
    assert found["api/v2/types.go"][1] is Role.SOURCE  # `*` does not cross a slash
    assert found["docs/tool.py"][1] is Role.SOURCE
    assert found["include/a.h"][0] == "C++"
    assert found["sub/x.go"][1] is Role.VENDORED  # deeper file, pattern without slash matches below it
    assert found["sub/keep.go"][1] is Role.SOURCE  # `!attr` returns to the path rules
    assert found["notes/n.go"][1] is Role.SOURCE  # a directory pattern does not reach files inside it
    assert [(d.path, "negative patterns" in d.message) for d in inventory.diagnostics] == [(".gitattributes", True)]


def test_components_nesting(tmp_path: Path, languages: LanguageTable, rules: PathRules) -> None:
    _write(
        tmp_path,
        {
            "CMakeLists.txt": "project(top)\n",
            "src/CMakeLists.txt": "add_library(core core.c)\n",
            "src/core.c": "int x;\n",
            "src/deep/CMakeLists.txt": "add_subdirectory(x)\n",
            "services/api/go.mod": "module api\n",
            "services/api/main.go": "package main\n",
            "services/api/internal/h.go": "package internal\n",
            "services/api/internal/CMakeLists.txt": "project(inner)\n",
            "rust/Cargo.toml": "[package]\nname='r'\n",
            "rust/pyproject.toml": "[project]\nname='r'\n",
            "rust/src/lib.rs": "pub fn f() {}\n",
            "rust/crates/inner/Cargo.toml": "[package]\nname='inner'\n",
            "rust/crates/inner/src/lib.rs": "pub fn g() {}\n",
            "testdata/site/Cargo.toml": "[package]\nname='fixture'\n",
            "examples/demo/package.json": "{}\n",
            "vendor/lib/go.mod": "module lib\n",
            "docs/requirements.txt": "sphinx\n",
            "tests/e2e/package.json": "{}\n",
            "tools/gen/App.csproj": "<Project/>\n",
        },
    )
    inventory = _scan(tmp_path, languages, rules)
    assert [(c.path, c.manifests, c.ecosystems) for c in inventory.components] == [
        (".", ("CMakeLists.txt",), ("cmake",)),
        ("rust", ("rust/Cargo.toml", "rust/pyproject.toml"), ("cargo", "pypi")),
        ("rust/crates/inner", ("rust/crates/inner/Cargo.toml",), ("cargo",)),
        ("services/api", ("services/api/go.mod",), ("go",)),
        ("tests/e2e", ("tests/e2e/package.json",), ("npm",)),
        ("tools/gen", ("tools/gen/App.csproj",), ("nuget",)),
    ]
    found = _by_path(inventory)
    assert found["src/core.c"][2] == "."  # the nested CMakeLists.txt is part of the root project
    assert found["services/api/internal/h.go"][2] == "services/api"
    assert found["rust/src/lib.rs"][2] == "rust"
    assert found["rust/crates/inner/src/lib.rs"][2] == "rust/crates/inner"
    assert found["testdata/site/Cargo.toml"][2] == "."


def test_root_component_always_present(tmp_path: Path, languages: LanguageTable, rules: PathRules) -> None:
    _write(tmp_path, {"docs/index.md": "# hi\n"})
    inventory = _scan(tmp_path, languages, rules)
    assert [(c.path, c.manifests) for c in inventory.components] == [(".", ())]


class _CountingTree:
    """A Tree wrapper that records every read, to check that heads are read only when needed."""

    def __init__(self, inner: WorkTree) -> None:
        self.root = inner.root
        self._inner = inner
        self.reads: dict[str, int] = {}

    def list_files(self) -> tuple[tuple[TreeFile, ...], tuple[Diagnostic, ...]]:
        return self._inner.list_files()

    def read(self, path: str, limit: int) -> bytes | None:
        self.reads[path] = limit
        return self._inner.read(path, limit)


def test_reads_are_minimal(tmp_path: Path, languages: LanguageTable, rules: PathRules) -> None:
    _write(
        tmp_path,
        {
            "src/main.go": "package main\n" * 1000,
            "src/a.h": "int a;\n",
            "bin/run": "#!/bin/sh\n",
            "README.md": "# x\n",
            "data/big.json": "{}" * 10000,
            "vendor/x/y.go": "package y\n",
            "logo.png": b"\x89PNG",
            "empty.rs": "",
        },
    )
    tree = _CountingTree(WorkTree(tmp_path))
    scan(tree, languages, rules)
    assert tree.reads == {"src/main.go": 2048, "src/a.h": 8192, "bin/run": 8192}


def test_scan_of_git_repository(tmp_path: Path, languages: LanguageTable, rules: PathRules) -> None:
    _write(
        tmp_path,
        {
            ".gitignore": "target/\n",
            "Cargo.toml": "[package]\n",
            "src/main.rs": "fn main() {}\n",
            "target/debug/app": b"\x7fELF\x00",
        },
    )
    repo = git.Repo.init(tmp_path)
    repo.index.add([".gitignore", "Cargo.toml", "src/main.rs"])
    actor = git.Actor("dev", "dev@example.com")
    repo.index.commit("init", author=actor, committer=actor)
    inventory = _scan(tmp_path, languages, rules)
    assert inventory.root == str(tmp_path)
    assert [(f.path, f.language, f.component) for f in inventory.files] == [
        (".gitignore", "Ignore List", "."),
        ("Cargo.toml", "TOML", "."),
        ("src/main.rs", "Rust", "."),
    ]


def test_path_rules_pickle(rules: PathRules) -> None:
    again = pickle.loads(pickle.dumps(rules))
    assert again == rules
    assert again.roles[0][1].match_file("vendor/x.go")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[[role]]\nrole = 'nonsense'\npatterns = []\n", id="unknown-role"),
        pytest.param("[[role]]\nrole = 'test'\npatterns = ['x']\n", id="missing-sections"),
        pytest.param("not toml [", id="bad-toml"),
    ],
)
def test_malformed_path_rules_raise(text: str) -> None:
    with pytest.raises(RuleError, match=r"paths\.toml"):
        parse_path_rules(text)


def test_hostile_gitattributes_patterns(tmp_path: Path, languages: LanguageTable, rules: PathRules) -> None:
    _write(
        tmp_path,
        {
            ".gitattributes": "*" * 40 + "b linguist-vendored\n\\ linguist-vendored\nsrc/*.c linguist-vendored\n",
            "src/" + "a" * 200 + ".c": "int x;\n",
        },
    )
    inventory = _scan(tmp_path, languages, rules)
    assert [f.role for f in inventory.files if f.path.endswith(".c")] == [Role.VENDORED]
    # forty stars read as git reads them (one "**"), so only the lone backslash is unusable
    assert [d.message.split(":")[0] for d in inventory.diagnostics] == ["line 2"]


@pytest.mark.parametrize(
    ("path", "head", "size", "role"),
    [
        pytest.param(
            "bpf/headers/vmlinux-x86.h",
            "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
            "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#endif\n",
            0,
            Role.GENERATED,
            id="btf-dump",
        ),
        pytest.param(
            "include/iface.h",
            "\n\n/* this ALWAYS GENERATED file contains the definitions for the interfaces */\n",
            0,
            Role.GENERATED,
            id="midl",
        ),
        pytest.param(
            "include/big.h", "#pragma once\nstruct a { int x; };\n", 2 << 20, Role.GENERATED, id="huge-header"
        ),
        pytest.param("src/big.c", "int x;\n", 2 << 20, Role.SOURCE, id="huge-c-file-is-code"),
        pytest.param(
            "src/attrs.h",
            "#pragma once\n// preserve_access_index is how CO-RE relocations work\n",
            0,
            Role.SOURCE,
            id="mention-is-not-a-dump",
        ),
    ],
)
def test_generated_by_shape(
    tmp_path: Path, languages: LanguageTable, rules: PathRules, path: str, head: str, size: int, role: Role
) -> None:
    """A generated file without a banner is known by its shape: a BTF dump's pragma, a header of megabytes."""
    body = head + ("/* padding */\n" * (size // 14 + 1) if size else "")
    _write(tmp_path, {path: body})
    (entry,) = _scan(tmp_path, languages, rules).files
    assert entry.role is role


def test_copied_project_is_vendored(tmp_path: Path, languages: LanguageTable, rules: PathRules) -> None:
    """A folder holding files only a repository root uses (.cirrus.yml, .mailmap) is a copy of another project;
    the root's own CI files, a test folder and an explicit linguist-vendored=false stay as they are."""
    _write(
        tmp_path,
        {
            ".cirrus.yml": "task: {}\n",
            "main.go": "package main\n",
            "libpcap/.cirrus.yml": "task: {}\n",
            "libpcap/.mailmap": "A <a@b>\n",
            "libpcap/pcap.c": "int x;\n",
            "libpcap/testprogs/t.c": "int y;\n",
            "tools/.github/workflows/ci.yml": "on: push\n",
            "tools/gen.py": "x = 1\n",
            "kept/.travis.yml": "language: c\n",
            "kept/own.c": "int z;\n",
            ".gitattributes": "kept/** linguist-vendored=false\n",
            "internal/pcap/pcap.go": "package pcap\n",
        },
    )
    found = _by_path(_scan(tmp_path, languages, rules))
    assert found["libpcap/pcap.c"][1] is Role.VENDORED
    assert found["libpcap/testprogs/t.c"][1] is Role.VENDORED
    assert found["tools/gen.py"][1] is Role.VENDORED
    assert found["kept/own.c"][1] is Role.SOURCE
    assert found["main.go"][1] is Role.SOURCE
    assert found["internal/pcap/pcap.go"][1] is Role.SOURCE


def test_no_single_file_decides_a_language_share(tmp_path: Path) -> None:
    """One 3 MB C file that escaped every role check adds at most SHARE_FILE_CAP to C's share."""
    from analyzer.engine import Options, analyze
    from analyzer.inventory.roles import SHARE_FILE_CAP
    from analyzer.knowledge import load as load_knowledge

    go = "package main\n\n" + "func f() int { return 1 }\n" * 2000
    _write(tmp_path, {"go.mod": "module x\n\ngo 1.22\n", "big.c": "int x;\n" * ((3 << 20) // 7)})
    _write(tmp_path, {f"cmd/f{i}.go": go for i in range(8)})
    report = analyze(WorkTree(tmp_path), load_knowledge(), Options(jobs=1))
    shares = {s.language: s for s in report.languages}
    assert shares["C"].bytes == SHARE_FILE_CAP
    assert shares["Go"].share > shares["C"].share


def test_crate_resources_are_fixtures(tmp_path: Path, languages: LanguageTable, rules: PathRules) -> None:
    """resources/ beside a Cargo.toml holds a crate's data (parser inputs, benchmark corpora) in any language."""
    _write(
        tmp_path,
        {
            "crates/parser/Cargo.toml": "[package]\nname = 'parser'\n",
            "crates/parser/src/lib.rs": "pub fn f() {}\n",
            "crates/parser/resources/inline/err/async_await.py": "async def f():\n    await g()\n",
            "tools/resources/gen.py": "x = 1\n",
        },
    )
    found = _by_path(_scan(tmp_path, languages, rules))
    assert found["crates/parser/resources/inline/err/async_await.py"][1] is Role.FIXTURE
    assert found["crates/parser/src/lib.rs"][1] is Role.SOURCE
    assert found["tools/resources/gen.py"][1] is Role.SOURCE
