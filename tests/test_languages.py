"""Language detection: names, extensions, shebangs, ambiguous-extension heuristics, binaries, bad data."""

from __future__ import annotations

import pytest

from analyzer.errors import RuleError
from analyzer.inventory.languages import LanguageTable, load_languages, parse_languages


@pytest.fixture(scope="module")
def table() -> LanguageTable:
    return load_languages()


@pytest.mark.parametrize(
    ("path", "head", "expected"),
    [
        pytest.param("src/main.rs", None, "Rust", id="rust"),
        pytest.param("cmd/app/main.go", None, "Go", id="go"),
        pytest.param("pkg/x.pb.go", None, "Go", id="longest-suffix-falls-back"),
        pytest.param("types/index.d.ts", None, "TypeScript", id="d-ts"),
        pytest.param("ui/App.tsx", None, "TypeScript", id="tsx-is-typescript"),
        pytest.param("ui/App.jsx", None, "JavaScript", id="jsx-is-javascript"),
        pytest.param("a/B.JAVA", None, "Java", id="extension-case-insensitive"),
        pytest.param("sketch/blink.ino", None, "C++", id="arduino-is-cpp"),
        pytest.param("CMakeLists.txt", None, "CMake", id="filename-beats-txt"),
        pytest.param("sub/Makefile", None, "Makefile", id="makefile"),
        pytest.param("Dockerfile.prod", None, "Dockerfile", id="dockerfile-glob"),
        pytest.param("go.mod", None, "Go Module", id="go-mod"),
        pytest.param("Cargo.lock", None, "TOML", id="cargo-lock"),
        pytest.param("requirements-dev.txt", None, "Text", id="requirements-glob"),
        pytest.param("infra/main.tf", None, "HCL", id="terraform"),
        pytest.param("api/svc.proto", None, "Protocol Buffer", id="proto"),
        pytest.param("link/stm32.ld", None, "Linker Script", id="linker-script"),
        pytest.param("contracts/Token.sol", None, "Solidity", id="solidity"),
        pytest.param("mod.wat", None, "WebAssembly", id="wat"),
        pytest.param("picture.png", None, None, id="unknown-extension"),
        pytest.param("notes", None, None, id="extensionless-unread"),
    ],
)
def test_detect_by_name(table: LanguageTable, path: str, head: bytes | None, expected: str | None) -> None:
    assert table.detect(path, head) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(b"#!/usr/bin/env python3\nprint(1)\n", "Python", id="env-python3"),
        pytest.param(b"#!/usr/bin/python3.11 -u\n", "Python", id="versioned-python"),
        pytest.param(b"#!/usr/bin/env -S python3 -u\n", "Python", id="env-split"),
        pytest.param(b"#!/usr/bin/env -S deno run --allow-net\n", "TypeScript", id="env-split-deno"),
        pytest.param(b"#!/usr/bin/env node\n", "JavaScript", id="node"),
        pytest.param(b"#!/bin/bash\nset -e\n", "Shell", id="bash"),
        pytest.param(b"#! /bin/sh\n", "Shell", id="sh-with-space"),
        pytest.param(b"#!/usr/bin/env ruby\n", "Ruby", id="ruby"),
        pytest.param(b"#!/usr/bin/perl -w\n", "Perl", id="perl"),
        pytest.param(b"#!/usr/bin/env LANG=C awk -f\n", "Awk", id="env-assignment"),
        pytest.param(b"#!/usr/bin/env frobnicate\n", None, id="unknown-interpreter"),
        pytest.param(b"plain text\n", None, id="no-shebang"),
        pytest.param(b"#!/bin/sh\n\x00\x01", None, id="binary-wins"),
    ],
)
def test_shebang(table: LanguageTable, head: bytes, expected: str | None) -> None:
    assert table.needs_content("bin/tool")
    assert table.detect("bin/tool", head) == expected


@pytest.mark.parametrize(
    ("path", "head", "expected"),
    [
        pytest.param("a.h", b"#include <stdint.h>\nint add(int, int);\n", "C", id="h-c"),
        pytest.param("a.h", None, "C", id="h-unread-default"),
        pytest.param("a.h", b"#pragma once\n#include <vector>\nint f();\n", "C++", id="h-cpp-header"),
        pytest.param("a.h", b"namespace ember {\nint f();\n}\n", "C++", id="h-namespace"),
        pytest.param("a.h", b"template <typename T>\nT id(T x);\n", "C++", id="h-template"),
        pytest.param("a.h", b"class Renderer {\npublic:\n};\n", "C++", id="h-class"),
        pytest.param("a.h", b"void f(std::string s);\n", "C++", id="h-std"),
        pytest.param(
            "a.h", b"#import <Foundation/Foundation.h>\n@interface A : NSObject\n@end\n", "Objective-C", id="h-objc"
        ),
        pytest.param("a.h", b"/* a class of problems */\nint f(void);\n", "C", id="h-class-in-comment"),
        pytest.param("m/x.m", b'#import "x.h"\n@implementation X\n@end\n', "Objective-C", id="m-objc"),
        pytest.param("m/x.m", b"function y = f(x)\n  y = x * 2;\nend\n", "MATLAB", id="m-matlab"),
        pytest.param("m/x.m", b"% comment\nA = [1 2 3];\n", "MATLAB", id="m-matlab-comment"),
        pytest.param("x.pl", b"parent(tom, bob).\nancestor(X, Y) :- parent(X, Y).\n", "Prolog", id="pl-prolog"),
        pytest.param("x.pl", b"use strict;\nmy $x = 1;\n", "Perl", id="pl-perl"),
        pytest.param("x.pl", b"use v6;\nsay 'hi';\n", "Raku", id="pl-raku"),
        pytest.param("x.pro", b"QT += core gui\nSOURCES += main.cpp\n", "QMake", id="pro-qmake"),
        pytest.param(
            "i18n/de.ts", b'<?xml version="1.0"?>\n<!DOCTYPE TS>\n<TS version="2.1">\n', "Qt Translation", id="ts-qt"
        ),
        pytest.param("src/a.ts", b"export const x: number = 1;\n", "TypeScript", id="ts-typescript"),
        pytest.param("x.inc", b"<?php\necho 1;\n", "PHP", id="inc-php"),
        pytest.param("x.inc", b"%macro PUSHALL 0\n", "Assembly", id="inc-nasm"),
        pytest.param("x.inc", b"#define FOO 1\n", "C", id="inc-c"),
        pytest.param("x.inc", b"lorem ipsum\n", None, id="inc-unknown"),
        pytest.param("hw/top.v", b"module top(input clk);\nendmodule\n", "Verilog", id="v-verilog"),
        pytest.param("proofs/a.v", b"Require Import Arith.\nTheorem t : 1 = 1.\n", "Coq", id="v-coq"),
        pytest.param("s.fs", b"#version 330\nvoid main() {}\n", "GLSL", id="fs-glsl"),
        pytest.param("s.fs", b"let x = 1\n", "F#", id="fs-fsharp"),
    ],
)
def test_heuristics(table: LanguageTable, path: str, head: bytes | None, expected: str | None) -> None:
    assert table.needs_content(path)
    assert table.detect(path, head) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("a.h", True, id="ambiguous"),
        pytest.param("bin/run", True, id="extensionless"),
        pytest.param("src/main.py", False, id="known-extension"),
        pytest.param("Makefile", False, id="known-filename"),
        pytest.param("image.png", False, id="unknown-extension"),
        pytest.param(".gitignore", False, id="known-dotfile"),
    ],
)
def test_needs_content(table: LanguageTable, path: str, expected: bool) -> None:
    assert table.needs_content(path) is expected


def test_binary_head_has_no_language(table: LanguageTable) -> None:
    assert table.detect("src/main.c", b"\x7fELF\x00\x01") is None
    assert table.detect("src/main.c", b"int main(void) { return 0; }\n") == "C"


@pytest.mark.parametrize(
    ("language", "kind"),
    [
        pytest.param("Go", "programming", id="go"),
        pytest.param("Rust", "programming", id="rust"),
        pytest.param("Markdown", "prose", id="markdown"),
        pytest.param("JSON", "data", id="json"),
        pytest.param("HTML", "markup", id="html"),
        pytest.param("No Such Language", "data", id="unknown"),
    ],
)
def test_kind(table: LanguageTable, language: str, kind: str) -> None:
    assert table.kind(language) == kind


def test_table_is_broad(table: LanguageTable) -> None:
    required = {
        "C",
        "C++",
        "Objective-C",
        "Python",
        "JavaScript",
        "TypeScript",
        "Go",
        "Rust",
        "Java",
        "Kotlin",
        "Scala",
        "C#",
        "F#",
        "Ruby",
        "PHP",
        "Swift",
        "Shell",
        "Perl",
        "Prolog",
        "MATLAB",
        "Solidity",
        "Assembly",
        "CMake",
        "Makefile",
        "Dockerfile",
        "HCL",
        "YAML",
        "TOML",
        "JSON",
        "XML",
        "Markdown",
        "HTML",
        "CSS",
        "SQL",
        "Lua",
        "Zig",
        "Dart",
        "Elixir",
        "Erlang",
        "Haskell",
        "OCaml",
        "Nim",
        "Julia",
        "R",
        "GLSL",
        "HLSL",
        "WebAssembly",
        "Protocol Buffer",
        "Linker Script",
        "Groovy",
        "Objective-C++",
        "Visual Basic .NET",
        "PowerShell",
        "Batchfile",
        "Vue",
        "Svelte",
        "Cython",
        "Qt Translation",
    }
    assert required <= set(table.kinds)
    assert len(table.kinds) >= 80


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            '[language."A"]\nkind = "programming"\nextensions = [".x"]\n'
            '[language."B"]\nkind = "programming"\nextensions = [".x"]\n',
            "two languages",
            id="conflict",
        ),
        pytest.param('[language."A"]\nkind = "code"\n', "kind", id="bad-kind"),
        pytest.param('[language."A"]\nkind = "data"\nextensions = ".x"\n', "list of strings", id="bad-list"),
        pytest.param(
            '[language."A"]\nkind = "data"\n[[heuristic]]\nextensions = [".x"]\n'
            'rules = [{ language = "B", pattern = "x" }]\n',
            "unknown language",
            id="unknown-rule",
        ),
        pytest.param(
            '[language."A"]\nkind = "data"\n[[heuristic]]\nextensions = [".x"]\n'
            'rules = [{ language = "A", pattern = "(" }]\n',
            "bad pattern",
            id="bad-regex",
        ),
        pytest.param("[language\n", "not valid TOML", id="bad-toml"),
    ],
)
def test_malformed_tables_raise(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_languages(text)


def test_conflict_allowed_with_heuristic() -> None:
    table = parse_languages(
        '[language."A"]\nkind = "programming"\nextensions = [".x"]\n'
        '[language."B"]\nkind = "programming"\nextensions = [".x"]\n'
        '[[heuristic]]\nextensions = [".x"]\nrules = [{ language = "B", pattern = "^b" }]\ndefault = "A"\n'
    )
    assert table.detect("f.x", b"b\n") == "B"
    assert table.detect("f.x", b"a\n") == "A"
