"""Units as the code is built (issue 10 item 1): native islands, split roots and bundled copies on small real trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.engine import Options, analyze
from analyzer.knowledge import Knowledge
from analyzer.knowledge import load as load_knowledge
from analyzer.model import Report, UnitKind
from analyzer.target.worktree import WorkTree

C_BODY = "".join(
    f"int step{i}(char *dst, const char *src, unsigned long n) {{ memcpy(dst, src, n); return (int)n + {i}; }}\n"
    for i in range(30)
)
C_FILE = "#include <stdlib.h>\n#include <string.h>\n" + C_BODY
CGO = (
    'package codec\n\n/*\n#include "codec.h"\n*/\nimport "C"\n\nfunc Size() int { return int(C.step0(nil, nil, 0)) }\n'
)
GO_MAIN = 'package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.ListenAndServe(":8080", nil)\n}\n' * 60


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def _units(root: Path, files: dict[str, str], knowledge: Knowledge) -> dict[str, UnitKind]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    report: Report = analyze(WorkTree(root), knowledge, Options(jobs=1))
    return {c.path: c.kind for c in report.components}


def test_cgo_package_with_c_sources_is_a_native_unit(tmp_path: Path, knowledge: Knowledge) -> None:
    files = {"go.mod": "module x\n\ngo 1.22\n", "main.go": GO_MAIN, "codec/codec.go": CGO, "codec/codec.c": C_FILE}
    assert _units(tmp_path, files, knowledge) == {".": UnitKind.MANIFEST, "codec": UnitKind.NATIVE}


def test_c_without_a_binding_is_no_unit(tmp_path: Path, knowledge: Knowledge) -> None:
    files = {"go.mod": "module x\n\ngo 1.22\n", "main.go": GO_MAIN, "codec/codec.c": C_FILE}
    assert _units(tmp_path, files, knowledge) == {".": UnitKind.MANIFEST}


def test_native_code_in_tests_and_examples_is_no_unit(tmp_path: Path, knowledge: Knowledge) -> None:
    files = {
        "go.mod": "module x\n\ngo 1.22\n",
        "main.go": GO_MAIN,
        "tests/codec/codec.go": CGO,
        "tests/codec/codec.c": C_FILE,
        "examples/codec/codec.go": CGO,
        "examples/codec/codec.c": C_FILE,
    }
    assert _units(tmp_path, files, knowledge) == {".": UnitKind.MANIFEST}


def test_a_tiny_island_is_glue_not_a_unit(tmp_path: Path, knowledge: Knowledge) -> None:
    files = {"go.mod": "module x\n\ngo 1.22\n", "main.go": GO_MAIN, "codec/codec.go": CGO, "codec/codec.c": "int x;\n"}
    assert _units(tmp_path, files, knowledge) == {".": UnitKind.MANIFEST}


def test_nested_islands_merge_into_the_outermost(tmp_path: Path, knowledge: Knowledge) -> None:
    files = {
        "go.mod": "module x\n\ngo 1.22\n",
        "main.go": GO_MAIN * 4,
        "codec/codec.go": CGO,
        "codec/codec.c": C_FILE,
        "codec/simd/simd.c": C_FILE,
    }
    assert _units(tmp_path, files, knowledge) == {".": UnitKind.MANIFEST, "codec": UnitKind.NATIVE}


def test_a_bundled_project_is_vendored_and_never_a_side(tmp_path: Path, knowledge: Knowledge) -> None:
    files = {
        "go.mod": "module x\n\ngo 1.22\n",
        "main.go": GO_MAIN,
        "libz/CMakeLists.txt": "project(libz C)\nadd_library(z deflate.c)\n",
        "libz/LICENSE": "zlib license\n",
        "libz/deflate.c": C_FILE * 20,
    }
    report = analyze(WorkTree(_write_all(tmp_path, files)), knowledge, Options(jobs=1))
    kinds = {c.path: c.kind for c in report.components}
    assert kinds["libz"] is UnitKind.BUNDLED
    assert [s.language for s in report.languages] == ["Go"]
    assert report.verdict.language.value == "go", report.verdict.summary


def test_maturin_root_is_two_units(tmp_path: Path, knowledge: Knowledge) -> None:
    files = {
        "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\npyo3 = "0.21"\n',
        "pyproject.toml": '[build-system]\nrequires = ["maturin"]\nbuild-backend = "maturin"\n\n[project]\nname = "x"\n',
        "src/lib.rs": "use pyo3::prelude::*;\n#[pyfunction]\nfn f() -> usize { 1 }\n",
        "x/__init__.py": "from x._x import f\n",
    }
    units = _units(tmp_path, files, knowledge)
    assert units == {".": UnitKind.MANIFEST, "src": UnitKind.CRATE}


def _write_all(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
