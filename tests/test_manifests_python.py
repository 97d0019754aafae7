"""Tests of the Python manifest parsers over the hand-written samples in manifest_samples/py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext, parse_manifest
from analyzer.manifests.python import (
    parse_pipfile,
    parse_poetry_lock,
    parse_pyproject,
    parse_requirements,
    parse_setup_cfg,
    parse_uv_lock,
)
from analyzer.model import Dependency, ManifestResult, Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "py"
Row = tuple[str, str, Scope, bool, str, int]
RT, DEV, TEST, BUILD = Scope.RUNTIME, Scope.DEV, Scope.TEST, Scope.BUILD


class FakeTree:
    """A parse context over a dict of repo-relative paths, recording what was read."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.reads: list[str] = []

    def read_text(self, path: str) -> str | None:
        self.reads.append(path)
        return self.files.get(path)


def _samples() -> FakeTree:
    files = SAMPLES.rglob("*")
    return FakeTree({p.relative_to(SAMPLES).as_posix(): p.read_text(encoding="utf-8") for p in files if p.is_file()})


def _rows(deps: tuple[Dependency, ...]) -> list[Row]:
    return [(d.name, d.version, d.scope, d.direct, d.path, d.line) for d in deps]


def _parse(parser: Callable[[str, str, ParseContext], ManifestResult], sample: str) -> ManifestResult:
    tree = _samples()
    return parser(sample, tree.files[sample], tree)


REQUIREMENTS = [
    ("flask", ">=2.0", RT, True, "requirements.txt", 3),
    ("requests", "==2.31.0", RT, True, "requirements.txt", 4),
    ("numpy", ">=1.24", RT, True, "requirements.txt", 5),
    ("click", "==8.1.7", RT, True, "requirements/base.txt", 1),
    ("urllib3", "<2", RT, False, "constraints.txt", 1),
    ("grpcio", "==1.62.0", RT, True, "requirements.txt", 9),
    ("mylib", "https://example.com/mylib-1.0.tar.gz", RT, True, "requirements.txt", 12),
    ("tool", "git+https://github.com/org/tool.git@v1#egg=tool", RT, True, "requirements.txt", 13),
    ("pandas", "https://files.example.com/pkgs/pandas-2.2.0-cp311-none-any.whl", RT, True, "requirements.txt", 15),
]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(parse_requirements, "requirements.txt", REQUIREMENTS, id="requirements-includes-hashes-urls"),
        pytest.param(
            parse_requirements,
            "requirements-dev.txt",
            [
                REQUIREMENTS[3],
                *REQUIREMENTS[:3],
                *REQUIREMENTS[4:],
                ("pytest", ">=7", DEV, True, "requirements-dev.txt", 2),
                ("ruff", "", DEV, True, "requirements-dev.txt", 3),
            ],
            id="requirements-dev-scope-nested-includes",
        ),
        pytest.param(
            parse_pyproject,
            "pyproject.toml",
            [
                ("fastapi", ">=0.110", RT, True, "pyproject.toml", 9),
                ("uvicorn", "", RT, True, "pyproject.toml", 10),
                ("cryptography", "", RT, True, "pyproject.toml", 11),
                ("pytest", ">=8", TEST, True, "pyproject.toml", 16),
                ("hypothesis", "", TEST, True, "pyproject.toml", 16),
                ("sphinx", "", DEV, True, "pyproject.toml", 18),
                ("grpcio", "", RT, True, "pyproject.toml", 20),
                ("ruff", "", DEV, True, "pyproject.toml", 26),
                ("mypy", "", DEV, True, "pyproject.toml", 27),
                ("setuptools", ">=68", BUILD, True, "pyproject.toml", 2),
                ("wheel", "", BUILD, True, "pyproject.toml", 2),
                ("pytest-cov", "", DEV, True, "pyproject.toml", 30),
            ],
            id="pyproject-pep621-pep735-build-uv",
        ),
        pytest.param(
            parse_pyproject,
            "poetry.toml",
            [
                ("django", "^5.0", RT, True, "poetry.toml", 7),
                ("celery", "^5.3", RT, True, "poetry.toml", 8),
                ("mylib", "git:https://github.com/org/mylib.git", RT, True, "poetry.toml", 9),
                ("black", "^24", DEV, True, "poetry.toml", 12),
                ("pytest", "^8", TEST, True, "poetry.toml", 15),
                ("mkdocs", "*", DEV, True, "poetry.toml", 18),
                ("flake8", "", DEV, True, "poetry.toml", 21),
                ("tox", "", TEST, True, "poetry.toml", 22),
            ],
            id="pyproject-poetry-groups-and-pdm",
        ),
        pytest.param(
            parse_setup_cfg,
            "setup.cfg",
            [
                ("aiohttp", ">=3.9", RT, True, "setup.cfg", 7),
                ("PyYAML", "", RT, True, "setup.cfg", 9),
                ("pytest", "", TEST, True, "setup.cfg", 10),
                ("setuptools_scm", "", BUILD, True, "setup.cfg", 12),
                ("mock", "", TEST, True, "setup.cfg", 16),
                ("pycryptodome", "", RT, True, "setup.cfg", 18),
            ],
            id="setup-cfg",
        ),
        pytest.param(
            parse_pipfile,
            "Pipfile",
            [
                ("requests", "*", RT, True, "Pipfile", 7),
                ("Flask-Login", "==0.6.3", RT, True, "Pipfile", 8),
                ("boto3", ">=1.34", RT, True, "Pipfile", 9),
                ("pytest", "*", DEV, True, "Pipfile", 12),
            ],
            id="pipfile",
        ),
        pytest.param(
            parse_poetry_lock,
            "poetry.lock",
            [
                ("django", "5.0.3", RT, False, "poetry.lock", 4),
                ("black", "24.2.0", DEV, False, "poetry.lock", 12),
                ("pytest", "8.1.1", TEST, False, "poetry.lock", 17),
            ],
            id="poetry-lock-groups-and-category",
        ),
        pytest.param(
            parse_uv_lock,
            "uv.lock",
            [("fastapi", "0.110.0", RT, False, "uv.lock", 13)],
            id="uv-lock-skips-editable-root",
        ),
    ],
)
def test_parsers(parser: Callable[[str, str, ParseContext], ManifestResult], sample: str, expected: list[Row]) -> None:
    assert _rows(_parse(parser, sample).dependencies) == expected


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        pytest.param(
            "requirements.txt",
            [
                ("requirements/base.txt", "line 2: include of '../requirements.txt' forms a cycle"),
                ("requirements.txt", "line 16: invalid requirement 'this is not valid!!'"),
                ("requirements.txt", "line 17: included file 'missing.txt' is missing"),
            ],
            id="requirements-cycle-bad-line-missing-include",
        ),
        pytest.param(
            "pyproject.toml",
            [("pyproject.toml", "line 12: invalid requirement 'not a requirement !!'")],
            id="pyproject-bad-entry",
        ),
    ],
)
def test_bad_entries_are_diagnostics_and_the_rest_counts(sample: str, expected: list[tuple[str, str]]) -> None:
    parser = parse_requirements if sample.endswith(".txt") else parse_pyproject
    result = _parse(parser, sample)
    assert result.dependencies
    assert [(d.path, d.message[: len(m)]) for d, (_, m) in zip(result.diagnostics, expected, strict=True)] == expected
    assert all("\n" not in d.message for d in result.diagnostics)


def test_pyproject_workspace_members() -> None:
    assert _parse(parse_pyproject, "pyproject.toml").workspace_members == ("packages/*",)


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        pytest.param("requirements.txt", RT, id="plain"),
        pytest.param("requirements-test.txt", TEST, id="suffix-test"),
        pytest.param("test-requirements.txt", TEST, id="prefix-test"),
        pytest.param("requirements_docs.txt", DEV, id="docs"),
        pytest.param("requirements/lint.txt", DEV, id="folder-lint"),
        pytest.param("requirements/prod.txt", RT, id="folder-prod"),
        pytest.param("sub/requirements/tests.txt", TEST, id="nested-folder-tests"),
    ],
)
def test_requirements_scope_from_file_name(name: str, scope: Scope) -> None:
    result = parse_requirements(name, "attrs\n", FakeTree({}))
    assert [(d.scope, d.line) for d in result.dependencies] == [(scope, 1)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("-r ../../etc/passwd\n", "points outside the repository", id="escape-root"),
        pytest.param("-r https://example.com/r.txt\n", "remote include", id="remote"),
        pytest.param("--requirement=requirements.txt\n", "forms a cycle", id="self-include"),
    ],
)
def test_include_guards(text: str, message: str) -> None:
    tree = FakeTree({"requirements.txt": text})
    result = parse_requirements("requirements.txt", text, tree)
    assert result.dependencies == ()
    assert message in result.diagnostics[0].message
    assert tree.reads == []


def test_include_depth_is_bounded() -> None:
    files = {f"r{i}.txt": f"-r r{i + 1}.txt\npkg{i}\n" for i in range(10)}
    tree = FakeTree(files)
    result = parse_requirements("r0.txt", files["r0.txt"], tree)
    assert [d.name for d in result.dependencies] == [f"pkg{i}" for i in range(6)][::-1]
    assert len(tree.reads) == 5
    assert "nested deeper than 5" in result.diagnostics[0].message


@pytest.mark.parametrize(
    ("sample", "filename", "message"),
    [
        pytest.param("bad-pyproject.toml", "pyproject.toml", "invalid TOML in pyproject", id="pyproject-unclosed"),
        pytest.param("badtype-pyproject.toml", "pyproject.toml", "must be a list", id="pyproject-deps-not-list"),
        pytest.param("bad-setup.cfg", "setup.cfg", "invalid setup.cfg", id="setup-cfg-garbage"),
        pytest.param("bad-poetry.lock", "poetry.lock", "package #1 has no name", id="poetry-lock-no-name"),
    ],
)
def test_malformed(sample: str, filename: str, message: str) -> None:
    text = (SAMPLES / sample).read_text(encoding="utf-8")
    result = parse_manifest(f"app/{filename}", text, FakeTree({}))
    assert result.dependencies == ()
    assert [d.severity for d in result.diagnostics] == [Severity.ERROR]
    assert message in result.diagnostics[0].message
    assert result.diagnostics[0].path == f"app/{filename}"


def test_malformed_raises_manifest_error() -> None:
    with pytest.raises(ManifestError, match="invalid TOML"):
        parse_pipfile("Pipfile", "[packages\n", FakeTree({}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '[project]\ndependencies = [\n  "pysix",\n  "six",\n]\n',
            [("pysix", 3), ("six", 4)],
            id="substring-names-on-own-lines",
        ),
        pytest.param(
            '[project.optional-dependencies]\ndev = ["pytest"]\ntest = [\n  # the runner\n  "pytest",\n]\n',
            [("pytest", 2), ("pytest", 5)],
            id="same-name-in-two-groups",
        ),
        pytest.param(
            '[project]\ndependencies = ["\\u0066lask"]\n',
            [("flask", 0)],
            id="escaped-entry-line-unknown",
        ),
    ],
)
def test_pyproject_line_numbers(text: str, expected: list[tuple[str, int]]) -> None:
    result = parse_pyproject("pyproject.toml", text, FakeTree({}))
    assert [(d.name, d.line) for d in result.dependencies] == expected
