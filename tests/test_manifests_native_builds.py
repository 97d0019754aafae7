"""Tests for conan.lock, meson.build, Bazel files and Makefiles (analyzer.manifests.native_builds)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest, parser_for
from analyzer.manifests.native_builds import parse_bazel, parse_conan_lock, parse_makefile, parse_meson
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "cppextra"
R, D, B = Scope.RUNTIME, Scope.DEV, Scope.BUILD

Row = tuple[str, str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"native/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert {d.path for d in result.dependencies} <= {f"native/{sample}"}
    assert result.diagnostics == ()
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_conan_lock,
            "conan.lock",
            [
                ("conan", "zlib", "1.3.1", R, False, 4),
                ("conan", "openssl", "3.2.1", R, False, 5),
                ("conan", "boost", "1.84.0", R, False, 6),
                ("conan", "cmake", "3.28.1", B, False, 9),
            ],
            id="conan-lock-0.5",
        ),
        pytest.param(
            parse_conan_lock,
            "edge-conan.lock",
            [
                ("conan", "libsodium", "1.0.19", R, False, 10),
                ("conan", "grpc", "1.54.3", R, False, 14),
                ("conan", "protobuf", "3.21.12", B, False, 18),
            ],
            id="conan-lock-0.4-graph-consumer-and-path-nodes-skipped",
        ),
        pytest.param(
            parse_meson,
            "meson.build",
            [
                ("meson", "m", "optional", R, True, 4),
                ("meson", "sdl2", ">=2.26", R, True, 6),
                ("meson", "gl", "", R, True, 7),
                ("meson", "vulkan", "optional", R, True, 8),
                ("meson", "threads", "", R, True, 9),
                ("meson", "wayland-scanner", "", B, True, 10),
                ("meson", "imgui", "", R, True, 12),
            ],
            id="meson",
        ),
        pytest.param(
            parse_meson,
            "edge-meson.build",
            [
                ("meson", "openssl", ">=3.0 <4", R, True, 10),
                ("meson", "libsodium", "optional", R, True, 13),
            ],
            id="meson-comments-strings-computed-names-multiline-calls",
        ),
        pytest.param(
            parse_bazel,
            "MODULE.bazel",
            [
                ("bazel", "abseil-cpp", "20240116.2", R, True, 6),
                ("bazel", "grpc", "1.62.1", R, True, 7),
                ("bazel", "rules_cc", "0.0.9", R, True, 8),
                ("bazel", "googletest", "1.14.0", D, True, 9),
                ("bazel", "libsodium", "", R, True, 13),
            ],
            id="module-bazel-dev-dependency-and-repo-rule",
        ),
        pytest.param(
            parse_bazel,
            "WORKSPACE",
            [
                ("bazel", "boringssl", "", R, True, 8),
                ("bazel", "com_github_glfw_glfw", "3.3.8", R, True, 16),
                ("bazel", "zlib", "", R, True, 22),
            ],
            id="workspace-comment-triple-quotes-maybe-comprehension",
        ),
        pytest.param(
            parse_makefile,
            "Makefile",
            [
                ("cmake", "SDL2", "", R, True, 5),
                ("cmake", "GL", "", R, True, 5),
                ("cmake", "m", "", R, True, 5),
                ("cmake", "pthread", "", R, True, 5),
                ("target", "emscripten", "", B, True, 8),
            ],
            id="makefile-libs-emcc-recipes-and-sanitizers-ignored",
        ),
        pytest.param(
            parse_makefile,
            "edge-firmware.mk",
            [
                ("target", "bare-metal", "", B, True, 2),
                ("cmake", "nosys", "", R, True, 6),
                ("cmake", "c_nano", "", R, True, 6),
                ("cmake", "libsodium", "", R, True, 9),
                ("cmake", "openssl", "", R, True, 9),
            ],
            id="makefile-cross-prefix-target-specific-define-pkg-config",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


@pytest.mark.parametrize(
    ("parser", "sample", "message"),
    [
        pytest.param(parse_conan_lock, "bad-conan.lock", "'requires' must be a list", id="conan-lock"),
        pytest.param(parse_meson, "bad-meson.build", r"line 2: '\(' is never closed", id="meson"),
        pytest.param(parse_bazel, "bad-MODULE.bazel", "line 2: unterminated string", id="module-bazel"),
        pytest.param(parse_makefile, "bad-Makefile", "binary data", id="makefile-binary"),
    ],
)
def test_malformed_samples_raise(parser: Parser, sample: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parser(sample, (SAMPLES / sample).read_text(errors="replace"), FakeContext())


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(parse_conan_lock, '{"version": "0.5"}', "not a Conan lockfile", id="conan-no-requires"),
        pytest.param(parse_conan_lock, '{"graph_lock": {"nodes": []}}', "nodes must be an object", id="conan-nodes"),
        pytest.param(parse_meson, "x = [1, 2)\n", r"line 1: unexpected '\)'", id="meson-mismatched-bracket"),
        pytest.param(parse_meson, "s = '''never closed\n", "line 1: unterminated string", id="meson-open-triple"),
        pytest.param(parse_bazel, "bazel_dep(" * 50_000, "never closed", id="bazel-deep-calls"),
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
        pytest.param("all:\n\techo 'CC = emcc'\n", [], id="recipe-echo-is-not-an-assignment"),
        pytest.param("LDLIBS = -lssl # -lcrypto\n", [("cmake", "ssl", 1)], id="comment-cut"),
        pytest.param("CC = /opt/emsdk/upstream/emscripten/emcc\n", [("target", "emscripten", 1)], id="emcc-path"),
        pytest.param("CC = aarch64-linux-gnu-gcc\nCFLAGS = -mcpu=cortex-a72\n", [], id="linux-cross-is-not-bare-metal"),
        pytest.param("CC = avr-gcc\nMCU = atmega328p\n", [("target", "bare-metal", 1)], id="avr"),
        pytest.param("X := $(if $(A),-lfoo,)\nFILES != ls -la\n", [], id="functions-and-shell-output"),
        pytest.param("ifeq ($(OS),Windows_NT)\nLIBS=-lws2_32\nendif\n", [("cmake", "ws2_32", 2)], id="conditional"),
        pytest.param(".PHONY: all\n%.o: %.c\n\t$(CC) -c $<\n", [], id="rules-only"),
        pytest.param("\ufeffLDFLAGS += -pthread\n", [("cmake", "pthread", 1)], id="bom-and-pthread-flag"),
    ],
)
def test_makefile_reads_only_assignments(text: str, expected: list[tuple[str, str, int]]) -> None:
    result = parse_makefile("Makefile", text.removeprefix("\ufeff"), FakeContext())
    assert [(d.ecosystem, d.name, d.line) for d in result.dependencies] == expected


def test_makefile_is_cheap_on_a_large_file() -> None:
    text = "".join(f"OBJ_{i} = src/file{i}.o\n\t@echo building {i}\n" for i in range(50_000))
    started = time.monotonic()
    assert parse_makefile("Makefile", text, FakeContext()).dependencies == ()
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param("conan.lock", parse_conan_lock, id="conan-lock"),
        pytest.param("sub/meson.build", parse_meson, id="meson"),
        pytest.param("MODULE.bazel", parse_bazel, id="module-bazel"),
        pytest.param("WORKSPACE", parse_bazel, id="workspace"),
        pytest.param("WORKSPACE.bazel", parse_bazel, id="workspace-bazel"),
        pytest.param("Makefile", parse_makefile, id="makefile"),
        pytest.param("GNUmakefile", parse_makefile, id="gnumakefile"),
        pytest.param("build/rules.mk", parse_makefile, id="mk"),
    ],
)
def test_registry_routes(path: str, parser: Parser) -> None:
    assert parser_for(path) is parser


def test_registry_reports_broken_meson_with_its_path() -> None:
    result = parse_manifest("lib/meson.build", "dependency('zlib'\n", FakeContext())
    (diagnostic,) = result.diagnostics
    assert diagnostic.path == "lib/meson.build"
    assert "never closed" in diagnostic.message
