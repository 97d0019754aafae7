"""Tests for the Python lockfile, conda and setup.py parsers (analyzer.manifests.python_locks)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests.python_locks import (
    parse_conda_environment,
    parse_pdm_lock,
    parse_pipfile_lock,
    parse_pylock,
    parse_setup_py,
)
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "pylocks"
R, D, T, B = Scope.RUNTIME, Scope.DEV, Scope.TEST, Scope.BUILD

Row = tuple[str, str, str, Scope, bool, int]


def _parse(parser: Parser, sample: str) -> tuple[list[Row], list[str]]:
    result = parser(f"app/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert {d.path for d in result.dependencies} <= {f"app/{sample}"}
    rows = [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]
    return rows, [d.message for d in result.diagnostics]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_pipfile_lock,
            "Pipfile.lock",
            [
                ("pypi", "flask", "3.0.2", R, False, 19),
                ("pypi", "werkzeug", "3.0.1", R, False, 26),
                ("pypi", "pytest", "8.0.0", D, False, 34),
            ],
            id="pipfile-lock",
        ),
        pytest.param(
            parse_pipfile_lock,
            "edge-Pipfile.lock",
            [
                ("pypi", "requests", "git:https://github.com/psf/requests.git", R, False, 8),
                ("pypi", "cryptography", "42.0.5", R, False, 9),
                ("pypi", "default", "1.0", R, False, 13),
            ],
            id="pipfile-lock-editable-skipped-git-and-package-named-like-a-section",
        ),
        pytest.param(
            parse_pdm_lock,
            "pdm.lock",
            [
                ("pypi", "fastapi", "0.110.0", R, False, 11),
                ("pypi", "pydantic", "2.6.4", R, False, 22),
                ("pypi", "ruff", "0.3.4", D, False, 27),
                ("pypi", "pytest", "8.1.1", T, False, 32),
            ],
            id="pdm-lock-groups",
        ),
        pytest.param(
            parse_pdm_lock,
            "edge-pdm.lock",
            [
                ("pypi", "numpy", "1.26.4", R, False, 7),
                ("pypi", "mkdocs", "1.5.3", D, False, 10),
                ("pypi", "uvicorn", "0.29.0", R, False, 15),
            ],
            id="pdm-lock-no-groups-name-after-version-empty-groups",
        ),
        pytest.param(
            parse_pylock,
            "pylock.toml",
            [
                ("pypi", "attrs", "25.1.0", R, False, 10),
                ("pypi", "grpcio", "1.62.1", R, False, 20),
                ("pypi", "pytest", "8.3.4", D, False, 25),
            ],
            id="pylock-subtables-and-group-marker",
        ),
        pytest.param(
            parse_pylock,
            "pylock.edge.toml",
            [
                ("pypi", "pyo3-helper", "git:https://example.com/pyo3-helper.git", R, False, 9),
                ("pypi", "sphinx", "7.2.6", D, False, 13),
                ("pypi", "uvloop", "0.19.0", R, False, 18),
            ],
            id="pylock-directory-skipped-vcs-mixed-markers",
        ),
        pytest.param(
            parse_conda_environment,
            "environment.yml",
            [
                ("conda", "python", "3.11", R, True, 6),
                ("conda", "numpy", ">=1.26", R, True, 7),
                ("conda", "pytorch", "2.1.0", R, True, 8),
                ("conda", "openssl", "", R, True, 9),
                ("conda", "pip", "", R, True, 10),
                ("pypi", "flask", "==3.0.0", R, True, 12),
                ("pypi", "grpcio", ">=1.60", R, True, 13),
            ],
            id="conda-environment",
        ),
        pytest.param(
            parse_setup_py,
            "setup.py",
            [
                ("pypi", "requests", ">=2.31", R, True, 8),
                ("pypi", "grpcio", "==1.62.1", R, True, 9),
                ("pypi", "uvicorn", ">=0.29", R, True, 12),
                ("pypi", "pytest", ">=8", T, True, 13),
                ("pypi", "black", "", D, True, 14),
                ("pypi", "tox", "", T, True, 16),
                ("pypi", "setuptools_scm", "", B, True, 17),
            ],
            id="setup-py-literal-arguments",
        ),
        pytest.param(
            parse_setup_py,
            "edge-setup.py",
            [
                ("pypi", "cryptography", ">=42", R, True, 6),
                ("pypi", "click", "", R, True, 7),
                ("pypi", "paramiko", "", R, True, 11),
                ("pypi", "pytest", "", T, True, 15),
                ("pypi", "hypothesis", "", T, True, 17),
            ],
            id="setup-py-names-concatenation-kwargs-and-computed-values-skipped",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    rows, diagnostics = _parse(parser, sample)
    assert rows == expected
    assert diagnostics == []


def test_conda_edge_cases_keep_going_with_diagnostics() -> None:
    rows, diagnostics = _parse(parse_conda_environment, "edge-environment.yml")
    assert rows == [
        ("conda", "libsodium", "1.0.18", R, True, 4),
        ("conda", "sdl2", ">=2.28", R, True, 5),
        ("conda", "cudatoolkit", "==11.8", R, True, 6),
        ("pypi", "uvicorn", ">=0.29", R, True, 13),
    ]
    assert len(diagnostics) == 2
    assert diagnostics[0].startswith("line 12: invalid requirement 'not a valid requirement!'")
    assert diagnostics[1] == "line 14: '3.5' is not a conda package spec"


@pytest.mark.parametrize(
    ("parser", "sample", "message"),
    [
        pytest.param(
            parse_pipfile_lock, "bad-Pipfile.lock", "invalid JSON in Pipfile.lock at line 7", id="pipfile-lock"
        ),
        pytest.param(parse_pdm_lock, "bad-pdm.lock", "package #1 has no name", id="pdm-lock"),
        pytest.param(parse_pylock, "bad-pylock.toml", "'packages' must be an array of tables", id="pylock"),
        pytest.param(
            parse_conda_environment, "bad-environment.yml", "invalid YAML in environment.yml at line 5", id="conda"
        ),
        pytest.param(parse_setup_py, "bad-setup.py", r"not valid Python 3 \(line 3", id="setup-py-python2"),
    ],
)
def test_malformed_samples_raise(parser: Parser, sample: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser(sample, (SAMPLES / sample).read_text(), FakeContext())


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(parse_pipfile_lock, '{"default": []}', "'default' must be an object", id="pipfile-section-type"),
        pytest.param(parse_pylock, "[[packages]\n", "invalid TOML", id="pylock-broken-toml"),
        pytest.param(
            parse_conda_environment,
            "dependencies: numpy\n",
            "'dependencies' must be a list",
            id="conda-dependencies-scalar",
        ),
        pytest.param(parse_conda_environment, "- numpy\n", "mapping at the top level", id="conda-top-level-list"),
        pytest.param(
            parse_conda_environment,
            "dependencies:\n  - pip: flask\n",
            "'pip' entry must be a list",
            id="conda-pip-scalar",
        ),
        pytest.param(parse_conda_environment, "a: " + "[" * 5000, "nested too deeply", id="conda-deep-flow"),
        pytest.param(parse_setup_py, "x = (" * 2000 + ")" * 2000, "too deeply|not valid Python", id="setup-deep"),
        pytest.param(parse_setup_py, "#" * (1 << 20) + "\n", "larger than", id="setup-too-large"),
    ],
)
def test_malformed_text_raises_quickly(parser: Parser, text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parser("x", text, FakeContext())
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("setup(install_requires=open('r.txt').read().split())\n", [], id="computed-list"),
        pytest.param("setup(install_requires=[f'a{1}', 'b'])\n", [("b", 1)], id="f-string-element-skipped"),
        pytest.param("setup(**{'install_requires': ['c']})\n", [("c", 1)], id="literal-dict-spread"),
        pytest.param("R = ['d']\nR = R + R\nsetup(install_requires=R)\n", [("d", 1)], id="self-concatenation"),
        pytest.param("import os\nos.system('rm -rf /')\n", [], id="no-setup-call-nothing-runs"),
        pytest.param("setup(install_requires=('e',), extras_require=EXTRAS)\n", [("e", 1)], id="unknown-name"),
    ],
)
def test_setup_py_static_reading(text: str, expected: list[tuple[str, int]]) -> None:
    result = parse_setup_py("setup.py", text, FakeContext())
    assert [(d.name, d.line) for d in result.dependencies] == expected


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param("Pipfile.lock", parse_pipfile_lock, id="pipfile-lock"),
        pytest.param("svc/pdm.lock", parse_pdm_lock, id="pdm-lock"),
        pytest.param("pylock.toml", parse_pylock, id="pylock"),
        pytest.param("pylock.dev.toml", parse_pylock, id="pylock-named"),
        pytest.param("environment.yaml", parse_conda_environment, id="conda-yaml"),
        pytest.param("pkg/setup.py", parse_setup_py, id="setup-py"),
    ],
)
def test_registry_routes(path: str, parser: Parser) -> None:
    assert parser_for(path) is parser


def test_registry_reports_broken_setup_py_with_its_path() -> None:
    result = parse_manifest("legacy/setup.py", "print 'x'\n", FakeContext())
    (diagnostic,) = result.diagnostics
    assert diagnostic.path == "legacy/setup.py"
    assert "not valid Python 3" in diagnostic.message
