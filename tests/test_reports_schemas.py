"""The shipped JSON Schemas: every one is package data, and the diff JSON validates against its own.

The single-report schema has its own tests in test_reports_json.py; here the ``analyze diff`` JSON is checked
against ``delta.schema.json`` (which reuses the report schema's verdict, marker and finding by ``$id``), on
hand-built deltas and on a real two-commit repository through the CLI, and the packaging is checked to ship
every schema file, since a schema that only exists in the source tree is no contract.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
from report_samples import verdict_change_delta, wasm_delta
from test_reports_json import _set

from analyzer.model import Delta
from analyzer.reports import json as json_report
from tests.schemas import SHIPPED, errors, shipped_validator

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "analyzer" / "reports" / "schema"


def test_every_schema_file_is_package_data() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["analyzer"]
    files = sorted(p.relative_to(ROOT / "analyzer").as_posix() for p in SCHEMA_DIR.glob("*.json"))
    assert sorted(SHIPPED) == sorted(Path(f).name for f in files)
    for name in files:
        assert any(fnmatch(name, pattern) for pattern in patterns), f"{name} would not be installed"


@pytest.mark.parametrize(
    "build", [pytest.param(wasm_delta, id="wasm"), pytest.param(verdict_change_delta, id="verdict-change")]
)
def test_sample_deltas_validate(build: Callable[[], Delta]) -> None:
    document = json.loads(json_report.render_delta(build()))
    assert errors(shipped_validator("delta.schema.json"), document) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(("kind",), "report", id="kind"),
        pytest.param(("head", "verdict", "language"), "python", id="head-verdict"),
        pytest.param(("added_findings", 0, "line"), -1, id="finding-line"),
        pytest.param(("criteria", 0, "after"), 3.0, id="criterion-lean"),
        pytest.param(("verdict_changed",), "yes", id="flag"),
    ],
)
def test_delta_schema_rejects(path: tuple[str | int, ...], value: Any) -> None:
    document = json.loads(json_report.render_delta(wasm_delta()))
    assert document["added_findings"], "the sample needs an added finding for this test"
    _set(*path, value=value)(document)
    assert errors(shipped_validator("delta.schema.json"), document) != []
