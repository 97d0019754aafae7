"""Tests for the Helm and Kustomize parsers and the bounded YAML node reader (analyzer.manifests.helm)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext, Parser, parse_manifest, parser_for
from analyzer.manifests._read import yamldoc
from analyzer.manifests._read.images import image_reference
from analyzer.manifests.helm import parse_chart_yaml, parse_kustomization, parse_values_yaml
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "helm"

Row = tuple[str, str, str, Scope, bool, int]


class ChartContext:
    """A tree where every directory holds a Chart.yaml: values files are read as a chart's."""

    def read_text(self, path: str) -> str | None:
        return "apiVersion: v2\nname: x\n" if path.endswith("Chart.yaml") else None


def _rows(parser: Parser, path: str, text: str, ctx: ParseContext | None = None) -> list[Row]:
    result = parser(path, text, ctx or FakeContext())
    assert {d.path for d in result.dependencies} <= {path}
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


R, B = Scope.RUNTIME, Scope.BUILD


@pytest.mark.parametrize(
    ("parser", "sample", "path", "expected"),
    [
        pytest.param(
            parse_chart_yaml,
            "Chart.yaml",
            "charts/shop/Chart.yaml",
            [
                ("helm", "chart:shop-api", "1.4.0", B, True, 2),
                ("helm", "postgresql", "~12.1.0", R, True, 8),
                ("helm", "redis", "17.x.x", R, True, 12),
            ],
            id="chart-v2-with-dependencies",
        ),
        pytest.param(
            parse_chart_yaml,
            "edge-Chart.yaml",
            "Chart.yaml",
            [
                ("helm", "chart:common-lib", "0.1.10", B, True, 5),
            ],
            id="chart-v1-library-merge-key-null-dependencies",
        ),
        pytest.param(
            parse_values_yaml,
            "values.yaml",
            "charts/shop/values.yaml",
            [
                ("docker", "ghcr.io/acme/shop-api", "2.3.1", R, True, 2),
                ("docker", "bitnami/postgresql", "15.4.0", R, True, 8),
                ("docker", "envoyproxy/envoy", "v1.28.0", R, True, 14),
                ("docker", "busybox", "1.36", R, True, 16),
            ],
            id="values-repository-registry-and-string-images",
        ),
        pytest.param(
            parse_values_yaml,
            "edge-values.yaml",
            "values.yaml",
            [
                ("docker", "nginx", "1.25", R, True, 6),
                (
                    "docker",
                    "quay.io/prometheus/node-exporter",
                    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                    R,
                    True,
                    15,
                ),
            ],
            id="values-aliases-once-templates-and-switches-skipped-digest",
        ),
        pytest.param(
            parse_kustomization,
            "kustomization.yaml",
            "deploy/prod/kustomization.yaml",
            [
                ("kustomize", "https://github.com/acme/platform//deploy/monitoring", "v2.1.0", R, True, 7),
                ("docker", "ghcr.io/acme/shop-api", "2.3.1", R, True, 9),
                ("docker", "nginx", "1.25-alpine", R, True, 12),
                ("helm", "ingress-nginx", "4.8.3", R, True, 15),
            ],
            id="kustomization-remote-resource-images-helm-charts",
        ),
        pytest.param(
            parse_kustomization,
            "edge-kustomization.yaml",
            "kustomization.yaml",
            [
                ("kustomize", "github.com/acme/base", "main", R, True, 3),
                (
                    "docker",
                    "registry.local:5000/team/app",
                    "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
                    R,
                    True,
                    5,
                ),
            ],
            id="kustomization-bases-digest-bad-name-null-section",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, path: str, expected: list[Row]) -> None:
    assert _rows(parser, path, (SAMPLES / sample).read_text(), ChartContext()) == expected


@pytest.mark.parametrize(
    ("parser", "sample", "message"),
    [
        pytest.param(parse_chart_yaml, "bad-Chart.yaml", "line 5: a chart dependency without a name", id="chart"),
        pytest.param(parse_values_yaml, "bad-values.yaml", r"invalid YAML in \S+ at line 4", id="values-beside-chart"),
        pytest.param(
            parse_kustomization, "bad-kustomization.yaml", "line 4: 'images' is not a list", id="kustomization"
        ),
    ],
)
def test_malformed_samples_raise(parser: Parser, sample: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("x/" + sample, (SAMPLES / sample).read_text(), ChartContext())


def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\nname: bomb\n"


def _merge_bomb(levels: int) -> str:
    lines = ["m0: &m0 {a: 0, b: 1}"]
    lines += [f"m{n}: &m{n} {{<<: [*m{n - 1}, *m{n - 1}], x{n}: 1}}" for n in range(1, levels)]
    return "\n".join(lines) + "\nname: bomb\n"


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(parse_chart_yaml, _alias_bomb(10), "more than 200000 YAML nodes", id="alias-bomb"),
        pytest.param(parse_chart_yaml, _merge_bomb(40), "more than 200000 YAML nodes", id="merge-key-bomb"),
        pytest.param(
            parse_chart_yaml,
            "name: &n\n  x: *n\n",
            "line 1: a YAML anchor is used inside itself",
            id="self-referencing-anchor",
        ),
        pytest.param(
            parse_chart_yaml,
            "name: " + "[" * 100_000,
            r"nested too deeply to read \(line 1\)",
            id="deep-flow-nesting",
        ),
        pytest.param(parse_chart_yaml, "- a\n- b\n", "top level is not a mapping", id="chart-list"),
        pytest.param(parse_chart_yaml, "apiVersion: v2\nversion: 1.0.0\n", "no 'name'", id="chart-without-name"),
        pytest.param(
            parse_chart_yaml,
            "name: x\ndependencies: {a: 1}\n",
            "line 2: 'dependencies' is not a list",
            id="chart-dependencies-mapping",
        ),
        pytest.param(parse_chart_yaml, "name: a\n---\nname: b\n", "invalid YAML", id="two-documents"),
        pytest.param(parse_chart_yaml, "name: \x07bell\n", "invalid YAML", id="control-character"),
        pytest.param(
            parse_kustomization,
            "images:\n  - newTag: '1'\n",
            "line 2: an entry of 'images' without a name",
            id="kustomization-image-without-name",
        ),
    ],
)
def test_malformed_input_raises_quickly(parser: Parser, text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parser("Chart.yaml", text, FakeContext())
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("image: [nginx\n", id="invalid-yaml"),
        pytest.param("- image: nginx\n", id="top-level-list"),
        pytest.param("", id="empty"),
        pytest.param("title: docs\nimage: 42\n", id="number-is-not-an-image"),
    ],
)
def test_values_without_chart_are_quiet(text: str) -> None:
    result = parse_values_yaml("site/values.yaml", text, FakeContext())
    assert (result.dependencies, result.diagnostics) == ((), ())


def test_values_images_are_capped_in_a_large_plain_document() -> None:
    text = "apps:\n" + "".join(f"  app{n}:\n    image: registry.local/app{n}:1\n" for n in range(5000))
    rows = _rows(parse_values_yaml, "values.yaml", text)
    assert len(rows) == 500
    assert rows[0] == ("docker", "registry.local/app0", "1", R, True, 3)


def test_values_without_chart_still_name_images() -> None:
    rows = _rows(parse_values_yaml, "values.yaml", "app:\n  image: redis:7\n")
    assert rows == [("docker", "redis", "7", R, True, 2)]


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        pytest.param("nginx", ("nginx", ""), id="bare"),
        pytest.param("docker.io/library/nginx:1.25", ("nginx", "1.25"), id="hub-prefix-dropped"),
        pytest.param("localhost:5000/team/app:2.1", ("localhost:5000/team/app", "2.1"), id="registry-port"),
        pytest.param("Nginx:1", None, id="upper-case-name"),
        pytest.param("{{ .Values.image }}", None, id="template"),
        pytest.param("a//b", None, id="empty-segment"),
        pytest.param("x" * 400, None, id="too-long"),
    ],
)
def test_image_reference(reference: str, expected: tuple[str, str] | None) -> None:
    assert image_reference(reference) == expected


def test_reader_keeps_scalars_as_written_and_own_keys_win_over_merged() -> None:
    root = yamldoc.compose("base: &b {version: 1.10, on: yes}\nchart:\n  <<: *b\n  version: 2.0\n", "values.yaml")
    chart = yamldoc.get(root, "chart")
    assert (yamldoc.text(yamldoc.get(chart, "version")), yamldoc.text(yamldoc.get(chart, "on"))) == ("2.0", "yes")
    assert yamldoc.text(yamldoc.get(yamldoc.get(root, "base"), "version")) == "1.10"


def test_brackets_in_strings_and_comments_do_not_count_as_nesting() -> None:
    text = "# " + "[" * 80 + "\nname: x\ndescription: '" + "{" * 80 + "'\n"
    assert _rows(parse_chart_yaml, "Chart.yaml", text) == [("helm", "chart:x", "", B, True, 2)]


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param("charts/api/Chart.yaml", "parse_chart_yaml", id="chart"),
        pytest.param("charts/api/values.yaml", "parse_values_yaml", id="values"),
        pytest.param("deploy/kustomization.yml", "parse_kustomization", id="kustomization-yml"),
    ],
)
def test_registry_routes_helm_files(path: str, parser: str) -> None:
    found = parser_for(path)
    assert found is not None
    assert found.__name__ == parser


def test_registry_turns_broken_chart_into_diagnostic() -> None:
    result = parse_manifest("charts/x/Chart.yaml", (SAMPLES / "bad-Chart.yaml").read_text(), FakeContext())
    (diagnostic,) = result.diagnostics
    assert (diagnostic.path, diagnostic.severity) == ("charts/x/Chart.yaml", Severity.ERROR)
    assert "without a name" in diagnostic.message
