"""Tests for the firmware project readers (analyzer.manifests.embedded): ESP-IDF, Zephyr, devicetree,
Arduino, STM32CubeMX, probe-rs and memory.x; a normal, an edge-case and a malformed sample each."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FakeContext

from analyzer.manifests import Parser, parse_manifest
from analyzer.manifests import embedded as emb
from analyzer.model import Scope, Severity

SAMPLES = Path(__file__).parent / "manifest_samples" / "embedded"
B, R = Scope.BUILD, Scope.RUNTIME

Row = tuple[str, str, str, Scope, bool, int]


def _rows(parser: Parser, sample: str) -> list[Row]:
    result = parser(f"fw/{sample}", (SAMPLES / sample).read_text(), FakeContext())
    assert {d.path for d in result.dependencies} <= {f"fw/{sample}"}
    assert result.diagnostics == ()
    return [(d.ecosystem, d.name, d.version, d.scope, d.direct, d.line) for d in result.dependencies]


@pytest.mark.parametrize(
    ("parser", "sample", "expected"),
    [
        pytest.param(
            emb.parse_sdkconfig,
            "sdkconfig",
            [
                ("target", "esp32s3", "", B, True, 8),
                ("target", "freertos", "", B, True, 11),
            ],
            id="sdkconfig-chip-and-freertos-once",
        ),
        pytest.param(
            emb.parse_sdkconfig, "edge-sdkconfig.defaults", [], id="sdkconfig-defaults-no-chip-not-set-comment"
        ),
        pytest.param(
            emb.parse_idf_component,
            "idf_component.yml",
            [
                ("idf", "idf", ">=5.0", R, True, 4),
                ("idf", "espressif/led_strip", "^2.5.3", R, True, 6),
                ("idf", "espressif/esp_tinyusb", "~1.4.0", R, True, 7),
                ("idf", "lvgl/lvgl", "*", R, True, 11),
            ],
            id="idf-component",
        ),
        pytest.param(
            emb.parse_idf_component,
            "edge-idf_component.yml",
            [
                ("idf", "idf", ">=4.4", R, True, 6),
                ("idf", "my_driver", "", R, True, 7),
                ("idf", "cmd_nvs", "", R, True, 10),
            ],
            id="idf-component-local-git-anchor-merge",
        ),
        pytest.param(
            emb.parse_west,
            "west.yml",
            [
                ("west", "zephyr", "v3.6.0", R, True, 7),
                ("west", "mcuboot", "v2.1.0", R, True, 14),
            ],
            id="west-projects-nested-import-not-a-project",
        ),
        pytest.param(emb.parse_west, "edge-west.yml", [], id="west-self-only"),
        pytest.param(
            emb.parse_prj_conf,
            "prj.conf",
            [
                ("kconfig", "CONFIG_GPIO", "", B, True, 2),
                ("kconfig", "CONFIG_BT", "", B, True, 3),
                ("kconfig", "CONFIG_BT_PERIPHERAL", "", B, True, 4),
                ("kconfig", "CONFIG_NETWORKING", "", B, True, 8),
            ],
            id="prj-conf-only-enabled-booleans",
        ),
        pytest.param(
            emb.parse_prj_conf,
            "edge-prj.conf",
            [
                ("kconfig", "CONFIG_SERIAL", "", B, True, 3),
                ("kconfig", "CONFIG_SENSOR", "", B, True, 7),
            ],
            id="prj-conf-spaces-and-not-set",
        ),
        pytest.param(
            emb.parse_devicetree,
            "board.dts",
            [
                ("devicetree", "acme,sensor-hub", "", B, True, 7),
                ("devicetree", "nordic,nrf52840-dk-nrf52840", "", B, True, 7),
                ("devicetree", "gpio-leds", "", B, True, 11),
                ("devicetree", "bosch,bme280", "", B, True, 22),
            ],
            id="dts-comments-and-slashes-in-strings",
        ),
        pytest.param(
            emb.parse_devicetree,
            "edge-soc.dtsi",
            [
                ("devicetree", "nordic,nrf-uarte", "", B, True, 5),
                ("devicetree", "nordic,nrf-uart", "", B, True, 5),
                ("devicetree", "arm,cortex-m4f", "", B, True, 11),
            ],
            id="dtsi-multiline-list-repeats-once",
        ),
        pytest.param(
            emb.parse_library_properties,
            "library.properties",
            [
                ("arduino", "Adafruit BME280 Library", ">=2.2.0", R, True, 10),
                ("arduino", "Adafruit Unified Sensor", "", R, True, 10),
                ("arduino", "ArduinoBLE", "", R, True, 10),
                ("arduino", "arch:avr", "", B, True, 9),
                ("arduino", "arch:samd", "", B, True, 9),
                ("arduino", "arch:esp32", "", B, True, 9),
            ],
            id="arduino-depends-with-constraint",
        ),
        pytest.param(
            emb.parse_library_properties,
            "edge-library.properties",
            [
                ("arduino", "arch:*", "", B, True, 5),
            ],
            id="arduino-any-architecture-empty-depends",
        ),
        pytest.param(
            emb.parse_stm32_ioc,
            "Nucleo.ioc",
            [
                ("target", "STM32F4", "", B, True, 5),
                ("target", "STM32F401RETx", "", B, True, 11),
            ],
            id="ioc-family-and-part",
        ),
        pytest.param(
            emb.parse_stm32_ioc,
            "edge-Wearable.ioc",
            [
                ("target", "STM32WB", "", B, True, 2),
            ],
            id="ioc-no-user-name-first-family-wins",
        ),
        pytest.param(
            emb.parse_embed_toml,
            "Embed.toml",
            [
                ("target", "nRF52840_xxAA", "", B, True, 5),
            ],
            id="embed-toml-chip-once-across-profiles",
        ),
        pytest.param(emb.parse_embed_toml, "edge-Embed.toml", [], id="embed-toml-no-chip"),
        pytest.param(emb.parse_memory_x, "memory.x", [("target", "bare-metal", "", B, True, 2)], id="memory-x"),
        pytest.param(
            emb.parse_memory_x,
            "edge-memory.x",
            [("target", "bare-metal", "", B, True, 3)],
            id="memory-x-commented-memory-skipped",
        ),
    ],
)
def test_dependencies(parser: Parser, sample: str, expected: list[Row]) -> None:
    assert _rows(parser, sample) == expected


@pytest.mark.parametrize(
    ("sample", "path", "message"),
    [
        pytest.param(
            "bad-sdkconfig",
            "fw/sdkconfig",
            "line 2: '<<<<<<< HEAD' is not a CONFIG_NAME=value",
            id="sdkconfig-merge-conflict",
        ),
        pytest.param(
            "bad-idf_component.yml",
            "main/idf_component.yml",
            "line 2: 'dependencies' is not a mapping",
            id="idf-dependencies-list",
        ),
        pytest.param("bad-west.yml", "west.yml", "line 3: a project has no name", id="west-project-without-name"),
        pytest.param(
            "bad-prj.conf",
            "app/prj.conf",
            "line 2: 'source \"Kconfig.zephyr\"' is not a CONFIG_NAME",
            id="prj-conf-kconfig-syntax",
        ),
        pytest.param(
            "bad-board.dts", "boards/acme/acme.dts", "unbalanced braces: 2 '{' for 1 '}'", id="dts-unclosed-node"
        ),
        pytest.param(
            "bad-library.properties",
            "libraries/x/library.properties",
            "no name= line",
            id="library-properties-without-name",
        ),
        pytest.param("bad-Broken.ioc", "Broken/Broken.ioc", "no Mcu.Family or Mcu.UserName", id="ioc-without-mcu"),
        pytest.param("bad-Embed.toml", "Embed.toml", "invalid TOML", id="embed-toml-unterminated-string"),
        pytest.param("bad-memory.x", "memory.x", "no MEMORY block", id="memory-x-without-memory"),
    ],
)
def test_malformed_becomes_diagnostic(sample: str, path: str, message: str) -> None:
    result = parse_manifest(path, (SAMPLES / sample).read_text(), FakeContext())
    assert result.dependencies == ()
    assert len(result.diagnostics) == 1
    assert result.diagnostics[0].path == path
    assert result.diagnostics[0].severity is Severity.ERROR
    assert message in result.diagnostics[0].message


@pytest.mark.parametrize(
    ("parser", "path", "text", "expected"),
    [
        pytest.param(
            emb.parse_sdkconfig,
            "sdkconfig",
            'CONFIG_IDF_TARGET="linux"\n',
            [("linux", 1)],
            id="sdkconfig-host-target-kept-as-written",
        ),
        pytest.param(
            emb.parse_devicetree,
            "a.dts",
            '/ { /* compatible = "x,y"; */ compatible = "st,stm32f4"; };\n',
            [("st,stm32f4", 1)],
            id="dts-inline-comment",
        ),
        pytest.param(
            emb.parse_memory_x, "memory.x", "// MEMORY\nMEMORY\n{\n}\n", [("bare-metal", 2)], id="memory-x-line-comment"
        ),
        pytest.param(emb.parse_idf_component, "idf_component.yml", "dependencies:\n", [], id="idf-null-dependencies"),
    ],
)
def test_edge_cases(parser: Parser, path: str, text: str, expected: list[tuple[str, int]]) -> None:
    assert [(d.name, d.line) for d in parser(path, text, FakeContext()).dependencies] == expected


def test_kconfig_cap_leaves_a_note() -> None:
    text = "".join(f"CONFIG_S{i}=y\n" for i in range(emb.KCONFIG_CAP + 5))
    result = emb.parse_prj_conf("prj.conf", text, FakeContext())
    assert len(result.dependencies) == emb.KCONFIG_CAP
    assert [d.severity for d in result.diagnostics] == [Severity.INFO]


def test_devicetree_cap() -> None:
    text = "/ {\n" + "".join(f'n{i} {{ compatible = "v,c{i}"; }};\n' for i in range(emb.DEVICETREE_CAP + 3)) + "};\n"
    assert len(emb.parse_devicetree("x.dts", text, FakeContext()).dependencies) == emb.DEVICETREE_CAP


@pytest.mark.parametrize(
    ("path", "parser"),
    [
        pytest.param("fw/sdkconfig", "parse_sdkconfig", id="sdkconfig"),
        pytest.param("fw/sdkconfig.defaults.esp32s3", "parse_sdkconfig", id="sdkconfig-defaults-per-chip"),
        pytest.param("main/idf_component.yml", "parse_idf_component", id="idf"),
        pytest.param("west.yml", "parse_west", id="west"),
        pytest.param("app/prj.conf", "parse_prj_conf", id="prj"),
        pytest.param("boards/x/x.dtsi", "parse_devicetree", id="dtsi"),
        pytest.param("lib/library.properties", "parse_library_properties", id="arduino"),
        pytest.param("cube/Nucleo.ioc", "parse_stm32_ioc", id="ioc"),
        pytest.param("Embed.toml", "parse_embed_toml", id="embed"),
        pytest.param("memory.x", "parse_memory_x", id="memory-x"),
    ],
)
def test_registry_routes_to_parser(path: str, parser: str) -> None:
    from analyzer.manifests import parser_for

    found = parser_for(path)
    assert found is not None
    assert found.__name__ == parser
