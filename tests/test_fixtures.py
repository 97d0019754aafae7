"""Golden tests over fixtures/: each fixture's verdict and markers as EXPECTED.toml says, and its exact report.

Goldens are rewritten only by `python tests/golden.py`; a difference here means the analyzer's answer changed.
"""

from __future__ import annotations

import json
import tomllib

import pytest
from golden import FIXTURES, GOLDEN, RULE_COUNT, dump, fixture_names, normalized_report, rule_count

EXPECTED = tomllib.loads((FIXTURES / "EXPECTED.toml").read_text(encoding="utf-8"))["fixture"]


@pytest.fixture(scope="module", params=fixture_names())
def fixture_report(request: pytest.FixtureRequest) -> tuple[str, dict[str, object]]:
    return request.param, normalized_report(request.param)


def test_every_fixture_has_expectations() -> None:
    assert sorted(EXPECTED) == fixture_names()


def test_verdict_and_markers(fixture_report: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    name, report = fixture_report
    expected = EXPECTED[name]
    categories = {m["category"] for m in report["markers"]}
    assert report["verdict"]["language"] == expected["verdict"], report["verdict"]["summary"]
    assert set(expected.get("markers", [])) <= categories, f"missing {set(expected['markers']) - categories}"
    assert not set(expected.get("absent", [])) & categories, f"trap reported: {set(expected['absent']) & categories}"
    assert len(report["diagnostics"]) >= expected.get("diagnostics", 0)


def test_golden_report(fixture_report: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    name, report = fixture_report
    golden = GOLDEN / f"{name}.json"
    assert golden.is_file(), f"no golden for {name}: run `python tests/golden.py`"
    assert dump(report) == golden.read_text(encoding="utf-8"), f"{name} changed: review, then `python tests/golden.py`"


def test_rule_count_golden() -> None:
    """The one golden that changes when a rule is added: the number of rules every report says it used."""
    assert f"{rule_count()}\n" == RULE_COUNT.read_text(encoding="utf-8"), "rules changed: `python tests/golden.py`"


def test_goldens_have_no_strays() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == fixture_names()


def test_golden_paths_are_relative() -> None:
    for path in GOLDEN.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for marker in data["markers"]:
            for location in marker["evidence"]:
                assert not location["path"].startswith("/"), path
