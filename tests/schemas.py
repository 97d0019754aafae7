"""Where the tests find the schemas the outputs must satisfy, and validators built from them.

The OASIS SARIF 2.1.0 schema is not shipped with the project: CI checks the project out with ``../shared``
beside it, and a work tree nested deeper (``wt/NAME`` beside ``shared``) finds it in an ancestor's ``shared``.
Locally a missing schema skips the tests that need it; under CI it fails them (``conftest.needs``), so schema
validation can never silently stop running there. The analyzer's own schemas ship in ``analyzer.reports.schema``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator
from referencing import Registry, Resource

from tests.conftest import needs

ROOT = Path(__file__).resolve().parents[1]
SARIF_NAME = "sarif-schema-2.1.0.json"


def sarif_schema_path() -> Path | None:
    """``shared/schemas/sarif-schema-2.1.0.json`` in the project's parent folder or the nearest ancestor's."""
    for folder in ROOT.parents:
        candidate = folder / "shared" / "schemas" / SARIF_NAME
        if candidate.is_file():
            return candidate
    return None


@cache
def _sarif_schema(path: Path) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return schema


def sarif_validator() -> Draft4Validator:
    """A validator of the OASIS schema; skips locally and fails under CI when the schema is not there."""
    path = sarif_schema_path()
    needs(f"the OASIS SARIF schema ({SARIF_NAME} in ../shared/schemas)", path is not None)
    assert path is not None
    return Draft4Validator(_sarif_schema(path))


SHIPPED = ("report.schema.json", "delta.schema.json", "batch.schema.json")
"""The analyzer's own schemas; one may refer to another by its ``$id``."""


def _shipped(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        resources.files("analyzer.reports.schema").joinpath(name).read_text(encoding="utf-8")
    )
    Draft202012Validator.check_schema(schema)
    return schema


def shipped_validator(name: str) -> Draft202012Validator:
    """A validator of one of the analyzer's shipped schemas, resolving references to the others by ``$id``."""
    resources_by_id = [(s["$id"], Resource.from_contents(s)) for s in map(_shipped, SHIPPED)]
    return Draft202012Validator(_shipped(name), registry=Registry().with_resources(resources_by_id))


def errors(validator: Draft4Validator | Draft202012Validator, document: Any) -> list[str]:
    """Every schema violation as ``path: message``, empty when the document is valid."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
