"""Tests for the C/C++ manifest parsers: CMake, conan, vcpkg, PlatformIO (analyzer.manifests.cpp)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.errors import ManifestError
from analyzer.manifests import Parser, parse_manifest
from analyzer.manifests.cpp import parse_cmake, parse_conanfile, parse_platformio, parse_vcpkg
from analyzer.model import Scope

SAMPLES = Path(__file__).parent / "manifest_samples" / "cpp"


Row = tuple[str, str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"native/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert {d.path for d in result.dependencies} <= {f"native/{sample}"}
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            parse_cmake,
            "CMakeLists.txt",
            [
                ("cmake", "Qt6", "6.5 REQUIRED COMPONENTS Core Widgets", Scope.RUNTIME, True, 8),
                ("cmake", "OpenSSL", "", Scope.RUNTIME, True, 9),
                ("cmake", "PkgConfig", "REQUIRED", Scope.RUNTIME, True, 10),
                ("cmake", "glib-2.0", ">=2.56", Scope.RUNTIME, True, 12),
                ("cmake", "gtk+-3.0", "", Scope.RUNTIME, True, 13),
                ("cmake", "fmt", "10.2.1", Scope.RUNTIME, True, 16),
                ("cmake", "Qt6::Widgets", "", Scope.RUNTIME, True, 30),
                ("cmake", "fmt::fmt", "", Scope.RUNTIME, True, 33),
                ("cmake", "OpenSSL::SSL", "", Scope.RUNTIME, True, 36),
            ],
            id="cmake-comments-strings-own-targets-genex",
        ),
        pytest.param(
            parse_cmake,
            "wasm-CMakeLists.txt",
            [
                ("cmake", "SDL2", "REQUIRED", Scope.RUNTIME, True, 7),
                ("cmake", "SDL2::SDL2main", "", Scope.RUNTIME, True, 8),
                ("target", "emscripten", "", Scope.BUILD, True, 3),
            ],
            id="cmake-emscripten-mixed-case-command",
        ),
        pytest.param(
            parse_cmake,
            "baremetal-CMakeLists.txt",
            [
                ("cmake", "nosys", "", Scope.RUNTIME, True, 7),
                ("cmake", "m", "", Scope.RUNTIME, True, 8),
                ("target", "bare-metal", "", Scope.BUILD, True, 1),
            ],
            id="cmake-bare-metal-bracket-argument",
        ),
        pytest.param(
            parse_conanfile,
            "conanfile.txt",
            [
                ("conan", "zlib", "1.3", Scope.RUNTIME, True, 3),
                ("conan", "boost", "1.83.0", Scope.RUNTIME, True, 4),
                ("conan", "openssl", "[>=3.0 <4]", Scope.RUNTIME, True, 5),
                ("conan", "cmake", "3.27.7", Scope.BUILD, True, 8),
                ("conan", "ninja", "1.11.1", Scope.BUILD, True, 10),
            ],
            id="conanfile",
        ),
        pytest.param(
            parse_vcpkg,
            "vcpkg.json",
            [
                ("vcpkg", "fmt", "", Scope.RUNTIME, True, 6),
                ("vcpkg", "vcpkg-cmake", "", Scope.BUILD, True, 8),
                ("vcpkg", "boost-asio", "1.83.0", Scope.RUNTIME, True, 11),
                ("vcpkg", "sdl2", "", Scope.RUNTIME, True, 12),
            ],
            id="vcpkg",
        ),
        pytest.param(
            parse_platformio,
            "platformio.ini",
            [
                ("platformio", "adafruit/Adafruit Unified Sensor", "^1.1.14", Scope.RUNTIME, True, 7),
                ("platformio", "bblanchon/ArduinoJson", "^7.0.0", Scope.RUNTIME, True, 14),
                ("platformio", "FastLED", "", Scope.RUNTIME, True, 15),
                ("platformio", "MyDriver", "v1.2", Scope.RUNTIME, True, 16),
                ("platformio", "platform:espressif32", "^6.5.0", Scope.BUILD, True, 10),
                ("platformio", "board:esp32dev", "", Scope.BUILD, True, 11),
                ("platformio", "framework:arduino", "", Scope.RUNTIME, True, 12),
                ("platformio", "framework:espidf", "", Scope.RUNTIME, True, 12),
                ("platformio", "throwtheswitch/Unity", "^2.5.2", Scope.RUNTIME, True, 23),
                ("platformio", "platform:native", "", Scope.BUILD, True, 21),
            ],
            id="platformio-envs-urls-interpolation-test-options",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('CPMAddPackage("gh:nlohmann/json@3.11.2")\n', [("json", "3.11.2", 1)], id="cpm-shorthand"),
        pytest.param(
            "find_package(${DEP} REQUIRED)\nfind_package(ZLIB)\n", [("ZLIB", "", 2)], id="variable-name-skipped"
        ),
        pytest.param(
            "set(CMAKE_TOOLCHAIN_FILE\n  $ENV{EMSDK}/cmake/Modules/Platform/Emscripten.cmake)\n",
            [("emscripten", "", 1)],
            id="emscripten-toolchain",
        ),
        pytest.param('message("emscripten is not used here")\n', [], id="lowercase-prose-is-not-a-signal"),
        pytest.param('set(CMAKE_SYSTEM_PROCESSOR "arm64")\n', [], id="arm64-host-is-not-bare-metal"),
        pytest.param("set(CMAKE_SYSTEM_PROCESSOR aarch64)\nset(CMAKE_SYSTEM_PROCESSOR armv7)\n", [], id="arm-linux"),
        pytest.param("set(CMAKE_SYSTEM_PROCESSOR cortex-m4)\n", [("bare-metal", "", 1)], id="cortex-m-is-bare-metal"),
        pytest.param("set(CMAKE_SYSTEM_PROCESSOR armv7e-m)\n", [("bare-metal", "", 1)], id="armv7e-m-is-bare-metal"),
        pytest.param(
            "add_library(a a.c)\nadd_library(b ALIAS a)\ntarget_link_libraries(a b zstd)\n",
            [("zstd", "", 3)],
            id="alias-target-is-own",
        ),
    ],
)
def test_cmake_edge_cases(text: str, expected: list[tuple[str, str, int]]) -> None:
    result = parse_cmake("CMakeLists.txt", text, FakeContext())
    assert [(d.name, d.version, d.line) for d in result.dependencies] == expected


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        pytest.param(
            parse_cmake,
            "project(x)\nadd_executable(app\n  main.cpp\n",
            "line 2 is missing its closing",
            id="cmake-unclosed-invocation",
        ),
        pytest.param(
            parse_cmake,
            'message("never closed)\n',
            "unterminated quoted argument opened at line 1",
            id="cmake-unterminated-quote",
        ),
        pytest.param(
            parse_cmake,
            "\n#[==[ never closed\n",
            "unterminated bracket comment opened at line 2",
            id="cmake-unterminated-bracket-comment",
        ),
        pytest.param(parse_cmake, "project(x)\nthis is prose\n", "line 2 is not followed by", id="cmake-not-cmake"),
        pytest.param(parse_conanfile, "zlib/1.3\n", "line 1: .* before any \\[section\\]", id="conan-no-section"),
        pytest.param(
            parse_conanfile, "[requires]\nzlib\n", "line 2: 'zlib' is not a name/version", id="conan-bad-reference"
        ),
        pytest.param(parse_vcpkg, '{\n  "dependencies": [\n', r"invalid JSON in \S+ at line 3", id="vcpkg-truncated"),
        pytest.param(parse_vcpkg, '{"dependencies": "fmt"}', "not a list", id="vcpkg-dependencies-not-list"),
        pytest.param(parse_vcpkg, '{"dependencies": [{"host": true}]}', "has no name", id="vcpkg-entry-without-name"),
        pytest.param(parse_vcpkg, "[" * 100_000 + "]" * 100_000, "nested too deeply", id="vcpkg-deep-nesting"),
        pytest.param(parse_platformio, "lib_deps = FastLED\n", "no section headers", id="platformio-no-section"),
    ],
)
def test_malformed_input_raises(parser: Parser, text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError, match=message):
        parser("CMakeLists.txt", text, FakeContext())
    assert time.monotonic() - started < 2.0


def test_registry_reports_broken_cmake_with_its_path() -> None:
    result = parse_manifest("engine/CMakeLists.txt", "find_package(Boost\n", FakeContext())
    (diagnostic,) = result.diagnostics
    assert diagnostic.path == "engine/CMakeLists.txt"
    assert "closing ')'" in diagnostic.message
