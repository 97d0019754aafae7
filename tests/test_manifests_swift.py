"""Tests of the Package.swift, Package.resolved, Podfile and Podfile.lock parsers (analyzer.manifests.swift)."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests.swift import (
    parse_package_resolved,
    parse_package_swift,
    parse_podfile,
    parse_podfile_lock,
    repo_identity,
)
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "swift"
RT, DEV, TEST = Scope.RUNTIME, Scope.DEV, Scope.TEST
Row = tuple[str, str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"ios/{sample}", (SAMPLES / sample).read_text(encoding="utf-8"), FakeContext())
    assert all(d.path == f"ios/{sample}" for d in result.dependencies)
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_package_swift,
            "Package.swift",
            [
                ("swiftpm", "vapor", "from:4.89.0", RT, True, 9),
                ("swiftpm", "swift-nio", "exact:2.62.0", RT, True, 10),
                ("swiftpm", "grpc-swift", "branch:main", RT, True, 11),
            ],
            id="package-swift-url-forms-local-path-skipped",
        ),
        pytest.param(
            parse_package_swift,
            "edge-Package.swift",
            [
                ("swiftpm", "hummingbird", "upToNextMinor:1.8.0", RT, True, 11),
                ("swiftpm", "swift-log", "1.0.0..<2.0.0", RT, True, 12),
                ("swiftpm", "mona.linkedlist", "from:1.0.0", RT, True, 13),
                ("swiftpm", "legacy", "revision:abc123", RT, True, 14),
            ],
            id="package-swift-nested-comment-ranges-registry-legacy",
        ),
        pytest.param(
            parse_package_resolved,
            "Package.resolved",
            [
                ("swiftpm", "swift-nio", "2.62.0", RT, False, 7),
                ("swiftpm", "vapor", "4.89.3", RT, False, 16),
            ],
            id="resolved-v3-filesystem-pin-skipped",
        ),
        pytest.param(
            parse_package_resolved,
            "v1-Package.resolved",
            [
                ("swiftpm", "swift-log", "1.4.0", RT, False, 6),
                ("swiftpm", "grpc-swift", "branch:main", RT, False, 15),
            ],
            id="resolved-v1-object-pins-branch",
        ),
        pytest.param(
            parse_podfile,
            "Podfile",
            [
                ("cocoapods", "Alamofire", "~> 5.8", RT, True, 6),
                ("cocoapods", "Firebase/Analytics", "", RT, True, 7),
                ("cocoapods", "Reveal-SDK", "", DEV, True, 8),
                ("cocoapods", "Realm", ">= 10.0, < 11.0", RT, True, 9),
                ("cocoapods", "Quick", "~> 7.0", TEST, True, 13),
            ],
            id="podfile-targets-debug-configuration-post-install",
        ),
        pytest.param(
            parse_podfile,
            "edge-Podfile",
            [
                ("cocoapods", "SnapKit", "~> 5.6", RT, True, 4),
                ("cocoapods", "Kingfisher", "git:https://github.com/onevcat/Kingfisher.git", RT, True, 5),
                ("cocoapods", "FLEX", "", DEV, True, 10),
                ("cocoapods", "LocalKit", "path:../LocalKit", RT, True, 11),
                ("cocoapods", "Nimble", "", TEST, True, 14),
            ],
            id="podfile-def-abstract-target-new-hash-syntax",
        ),
        pytest.param(
            parse_podfile_lock,
            "Podfile.lock",
            [
                ("cocoapods", "Alamofire", "5.8.1", RT, False, 2),
                ("cocoapods", "Firebase/Analytics", "10.18.0", RT, False, 3),
                ("cocoapods", "Firebase/Core", "10.18.0", RT, False, 5),
                ("cocoapods", "FirebaseCore", "10.18.0", RT, False, 7),
                ("cocoapods", "Quick", "7.3.0", RT, False, 8),
            ],
            id="podfile-lock-pods-with-subdependencies",
        ),
        pytest.param(
            parse_podfile_lock,
            "edge-Podfile.lock",
            [
                ("cocoapods", "Kingfisher", "7.10.0", RT, False, 3),
                ("cocoapods", "LocalKit", "0.1.0", RT, False, 4),
                ("cocoapods", "SnapKit", "", RT, False, 6),
            ],
            id="podfile-lock-comment-and-unversioned-pod",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


@pytest.mark.parametrize(
    ("parser", "sample", "message"),
    [
        pytest.param(parse_package_swift, "bad-Package.swift", r"line 8: unbalanced '\]'", id="package-swift-unclosed"),
        pytest.param(parse_package_resolved, "bad-Package.resolved", "pin #1 has no location", id="resolved-no-url"),
        pytest.param(parse_podfile, "bad-Podfile", "line 3: block opened here is never closed", id="podfile-no-end"),
        pytest.param(
            parse_podfile_lock, "bad-Podfile.lock", "invalid YAML in Podfile.lock at line 3", id="podfile-lock-bad-yaml"
        ),
    ],
)
def test_malformed_samples_raise(parser: Parser, sample: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser(sample, (SAMPLES / sample).read_text(encoding="utf-8"), FakeContext())


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(parse_package_swift, "let x = 1\n", "no Package", id="swift-not-a-manifest"),
        pytest.param(
            parse_package_swift,
            'let p = Package(name: "a")\n/* open',
            "line 2: unterminated /\\*",
            id="swift-unterminated-comment",
        ),
        pytest.param(
            parse_package_swift, 'let p = Package(name: "a)\n', "unterminated string", id="swift-unterminated-string"
        ),
        pytest.param(parse_package_resolved, "[]", "JSON object", id="resolved-not-object"),
        pytest.param(parse_package_resolved, '{"version": 2}', "no 'pins'", id="resolved-no-pins"),
        pytest.param(parse_podfile, "pod 'A'\nend\n", "line 2: 'end' without", id="podfile-stray-end"),
        pytest.param(parse_podfile_lock, "COCOAPODS: 1.0\n", "no PODS", id="podfile-lock-no-pods"),
        pytest.param(parse_podfile_lock, "PODS:\n  - [a, b]\n", "line 2: PODS entry", id="podfile-lock-bad-entry"),
    ],
)
def test_malformed_text_raises(parser: Parser, text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser("Package.swift", text, FakeContext())


def test_package_without_source_is_a_diagnostic() -> None:
    text = (
        'let p = Package(name: "a", dependencies: [\n  .package(name: "x"),\n  .package(url: "u/b.git", from: "1")])\n'
    )
    result = parse_package_swift("Package.swift", text, FakeContext())
    assert [(d.name, d.line) for d in result.dependencies] == [("b", 3)]
    assert [(d.severity, d.message) for d in result.diagnostics] == [
        (Severity.WARNING, "line 2: .package(...) without url:, id: or path: is not counted")
    ]


@pytest.mark.parametrize(
    ("url", "identity"),
    [
        pytest.param("https://github.com/Vapor/Vapor.git", "vapor", id="https-git-suffix"),
        pytest.param("git@github.com:apple/swift-nio.git", "swift-nio", id="scp-style"),
        pytest.param("https://github.com/hummingbird-project/hummingbird/", "hummingbird", id="trailing-slash"),
    ],
)
def test_repo_identity(url: str, identity: str) -> None:
    assert repo_identity(url) == identity


@pytest.mark.parametrize(
    ("path", "module"),
    [
        pytest.param("Package.swift", "swift", id="package-swift"),
        pytest.param("pkg/Package@swift-5.9.swift", "swift", id="versioned-package-swift"),
        pytest.param("ios/Podfile", "swift", id="podfile"),
        pytest.param("ios/Podfile.lock", "swift", id="podfile-lock"),
        pytest.param("Package.resolved", "swift", id="package-resolved"),
    ],
)
def test_registry_dispatch(path: str, module: str) -> None:
    parser = parser_for(path)
    assert parser is not None
    assert parser.__module__ == f"analyzer.manifests.{module}"


def test_registry_turns_errors_into_diagnostics() -> None:
    result = parse_manifest("ios/Podfile", "target 'A' do\n", FakeContext())
    assert result.dependencies == ()
    assert "could not parse Podfile: line 1: block opened here" in result.diagnostics[0].message


def test_package_call_inside_a_string_is_ignored() -> None:
    text = 'let p = Package(name: ".package(", dependencies: [\n  .package(url: "x/y.git", from: "1.0.0")])\n'
    assert [(d.name, d.line) for d in parse_package_swift("Package.swift", text, FakeContext()).dependencies] == [
        ("y", 2)
    ]
