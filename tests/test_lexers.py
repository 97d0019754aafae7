"""Tests for analyzer.facts.lexers: where comments and string literals are, per language family."""

from __future__ import annotations

import time

import pytest

from analyzer.facts import lexers
from analyzer.facts.lexers import Spans, lex, supports

# (language, source, needle, expected kind at the needle's first occurrence)
CASES = [
    # C and C++
    pytest.param("C", '#include "x.h"\nint a;', "x.h", "string", id="c-include-quoted-is-string"),
    pytest.param("C", '#include "x.h"\nint a;', "#include", "code", id="c-include-directive-is-code"),
    pytest.param("C", "#pragma omp parallel for\n", "omp", "code", id="c-pragma-is-code"),
    pytest.param("C", 'char *u = "http://example.com"; f();', "example", "string", id="c-url-in-string"),
    pytest.param("C", 'char *u = "http://example.com"; f();', "f()", "code", id="c-code-after-url-string"),
    pytest.param("C", "int a; // note \\\ncontinued\nint b;", "continued", "comment", id="c-line-splice"),
    pytest.param("C", "int a; // note\nint b;", "int b", "code", id="c-line-comment-ends"),
    pytest.param("C", "/* a\n * b\n */ fork();", "fork", "code", id="c-block-comment-ends"),
    pytest.param("C", "/* a\n * b fork();", "fork", "comment", id="c-unterminated-block-to-eof"),
    pytest.param("C", "char q = '\"'; pthread_create(x);", "pthread", "code", id="c-quote-in-char"),
    pytest.param("C", 'char *s = "abc\nfork();', "fork", "code", id="c-unterminated-string-ends-at-eol"),
    pytest.param("C", 's = "a\\"b // c"; g();', "g()", "code", id="c-escaped-quote"),
    pytest.param("C++", 'auto r = R"x(a)" // )x"; std::thread t;', "std::thread", "code", id="cpp-raw-string-delim"),
    pytest.param("C++", 'auto r = R"x(a)" // )x"; std::thread t;', "//", "string", id="cpp-raw-string-holds-slashes"),
    pytest.param("C++", "int n = 1'000'000; std::mutex m;", "std::mutex", "code", id="cpp-digit-separators"),
    pytest.param("C++", "auto c = u8'x'; std::mutex m;", "x'", "string", id="cpp-prefixed-char"),
    # JVM, .NET
    pytest.param("Java", 'String s = """\n  new Thread(\n""";', "new Thread", "string", id="java-text-block"),
    pytest.param("Java", 's = """\n""";\nnew Thread(r);', "new Thread", "code", id="java-after-text-block"),
    pytest.param("Kotlin", 'val s = """a\\""" + launch {', "launch", "code", id="kotlin-raw-no-escape"),
    pytest.param("Kotlin", "/* a /* b */ launch { */ x", "launch", "comment", id="kotlin-nested-comment"),
    pytest.param("C#", 'var p = @"C:\\dir\\"; new Thread(f);', "new Thread", "code", id="csharp-verbatim-backslash"),
    pytest.param("C#", 'var p = @"say ""hi"" await x";', "await", "string", id="csharp-verbatim-doubled-quote"),
    pytest.param("Scala", "val c = 'a'; Future {", "Future", "code", id="scala-char"),
    # JavaScript / TypeScript
    pytest.param(
        "JavaScript", "const s = `a\n${x}\nrequire('cluster')`;", "require", "string", id="js-template-multiline"
    ),
    pytest.param("JavaScript", "const s = `a`; require('cluster');", "require", "code", id="js-after-template"),
    pytest.param(
        "TypeScript", "const u = 'http://x'; await Promise.all(p);", "await", "code", id="ts-url-in-single-quotes"
    ),
    pytest.param("JavaScript", "x = 1; /* cluster.fork() */", "cluster", "comment", id="js-block-comment"),
    # Go
    pytest.param("Go", "s := `a // go func() {`\ngo func() {}()", "// go", "string", id="go-slashes-in-raw-string"),
    pytest.param("Go", "s := `a // go func() {`\ngo func() {}()", "\ngo func", "code", id="go-code-after-raw-string"),
    pytest.param("Go", "// go func() {\nx := 1", "go func", "comment", id="go-line-comment"),
    pytest.param("Go", 'fmt.Println("go func(")', "go func", "string", id="go-string"),
    pytest.param("Go", "r := '\"'; go work()", "go work", "code", id="go-rune-with-quote"),
    # Rust
    pytest.param(
        "Rust", 'let s = r#"a "quoted" // b"#; thread::spawn(f);', "thread::spawn", "code", id="rust-raw-hash-string"
    ),
    pytest.param(
        "Rust", 'let s = r#"a "quoted" // b"#; thread::spawn(f);', "// b", "string", id="rust-raw-holds-slashes"
    ),
    pytest.param("Rust", "fn f<'a>(x: &'a str) { tokio::spawn(x) }", "tokio", "code", id="rust-lifetime-not-char"),
    pytest.param("Rust", "let c = '\"'; tokio::spawn(x);", "tokio", "code", id="rust-char-holds-quote"),
    pytest.param("Rust", "/* a /* b */ thread::spawn */ x", "thread::spawn", "comment", id="rust-nested-comment"),
    pytest.param("Rust", "/* a /* b */ c */ thread::spawn(f)", "thread::spawn", "code", id="rust-after-nested-comment"),
    pytest.param("Rust", 'let s = "multi\nline tokio";\nx', "tokio", "string", id="rust-multiline-string"),
    pytest.param("Rust", 'let b = br"x"; y', "y", "code", id="rust-byte-raw-string"),
    # Python
    pytest.param("Python", "x = '#'\nimport asyncio", "import", "code", id="py-hash-in-string"),
    pytest.param("Python", "x = '#'  # import asyncio\n", "import", "comment", id="py-comment-after-string"),
    pytest.param("Python", 'def f():\n    """Docs: import asyncio."""\n', "import", "string", id="py-docstring"),
    pytest.param("Python", "s = r'''\n# not a comment\n'''\nx", "not a", "string", id="py-raw-triple"),
    pytest.param("Python", "s = f\"{x}\" + b'y'  # c\nz", "# c", "comment", id="py-prefixed-strings"),
    pytest.param("Python", "s = 'it\\'s' ; import os", "import", "code", id="py-escaped-quote"),
    pytest.param("Python", "s = 'abc\nimport os", "import", "code", id="py-unterminated-ends-at-eol"),
    # Ruby, PHP, shells and config
    pytest.param("Ruby", "=begin\nThread.new\n=end\nx = 1", "Thread", "comment", id="rb-begin-end"),
    pytest.param("Ruby", "=begin\nThread.new\n=end\nx = 1", "x = 1", "code", id="rb-after-begin-end"),
    pytest.param("Ruby", 's = "a #{b} c" # Thread.new', "Thread", "comment", id="rb-interpolation-hash"),
    pytest.param("PHP", "<?php # pcntl_fork();\n$x = 1;", "pcntl", "comment", id="php-hash-comment"),
    pytest.param("PHP", "<?php #[Attr]\nfunction f() {}", "Attr", "code", id="php-attribute-not-comment"),
    pytest.param("Shell", "echo ${#arr[@]} fork", "fork", "code", id="sh-length-not-comment"),
    pytest.param("Shell", "echo x # fork\n", "fork", "comment", id="sh-comment"),
    pytest.param("Shell", "echo 'a # b' c", "# b", "string", id="sh-hash-in-single-quotes"),
    pytest.param("Dockerfile", "RUN echo hi # note\nFROM rust", "note", "comment", id="docker-comment"),
    pytest.param("Makefile", "X = a\\#b\n# real", "b", "code", id="make-escaped-hash"),
    pytest.param("CMake", "#[[ find_package(TBB) ]]\nfind_package(Foo)", "TBB", "comment", id="cmake-bracket-comment"),
    pytest.param("CMake", "#[[ a ]]\nfind_package(Foo)", "Foo", "code", id="cmake-after-bracket-comment"),
    pytest.param("YAML", "url: http://x#frag\n# real", "frag", "code", id="yaml-hash-in-plain-scalar"),
    pytest.param("YAML", "msg: don't stop # note\nk: v", "note", "comment", id="yaml-apostrophe-in-plain"),
    pytest.param("TOML", "a = 'x#y' # note", "y'", "string", id="toml-literal-string"),
    pytest.param("HCL", 'a = "x" // note\n/* b */ c', "c", "code", id="hcl-slash-comments"),
    pytest.param("Perl", "my $n = $#arr; # note", "arr", "code", id="perl-last-index"),
    pytest.param("Perl", "=pod\nfork\n=cut\nfork();", "fork();", "code", id="perl-after-pod"),
    pytest.param("Lua", "--[==[ a ]] still ]==] x", "still", "comment", id="lua-long-comment-level"),
    pytest.param("Lua", "--[==[ a ]] still ]==] x", " x", "code", id="lua-after-long-comment"),
    pytest.param("Lua", "s = [[ -- not ]] t", "not", "string", id="lua-long-string"),
    pytest.param("SQL", "SELECT 'it''s -- x' -- y", "x'", "string", id="sql-doubled-quote"),
    pytest.param("SQL", "SELECT 'it''s -- x' -- y", "y", "comment", id="sql-dash-comment"),
    pytest.param("Haskell", "x --> y -- note", "y", "code", id="hs-dash-operator"),
    pytest.param("Haskell", "{- a {- b -} c -} d", "c", "comment", id="hs-nested-comment"),
    pytest.param("Haskell", 'foldl\' f "s" z', "f", "code", id="hs-prime-not-quote"),
    pytest.param("Assembly", "mov r0, #1 ; note", "#1", "code", id="asm-immediate"),
    pytest.param("Assembly", "mov r0, #1 ; note", "note", "comment", id="asm-semicolon"),
    pytest.param("Linker Script", "/* MEMORY */ MEMORY {", "MEMORY {", "code", id="ld-block-comment"),
    pytest.param("Zig", "const s =\n    \\\\ // raw\n;", "// raw", "string", id="zig-multiline-string"),
    pytest.param("Swift", 'let s = #"a "b" c"#; Task {', "Task", "code", id="swift-raw-string"),
    pytest.param("Solidity", "string s = 'a'; // x", "x", "comment", id="sol-single-quote-string"),
    pytest.param("Dart", "var p = r'C:\\'; Isolate.spawn(f);", "Isolate", "code", id="dart-raw-string"),
    pytest.param("Elixir", 'IO.puts("a") # spawn', "spawn", "comment", id="ex-comment"),
]


def _kind(spans: Spans, offset: int) -> str:
    if spans.in_comment(offset):
        return "comment"
    return "string" if spans.in_string(offset) else "code"


@pytest.mark.parametrize(("language", "source", "needle", "expected"), CASES)
def test_kind_at_needle(language: str, source: str, needle: str, expected: str) -> None:
    offset = source.index(needle)
    if needle.startswith(("\n", " ")):
        offset += 1
    assert _kind(lex(language, source), offset) == expected


@pytest.mark.parametrize(
    ("language", "source", "comments", "strings"),
    [
        pytest.param("Go", 'a("x") // c\n', ((7, 11),), ((2, 5),), id="go-exact"),
        pytest.param("Python", "'a''b' #", ((7, 8),), ((0, 6),), id="py-adjacent-merged"),
        pytest.param("C", "/**/ /***/ /* * / **/", ((0, 4), (5, 10), (11, 21)), (), id="c-star-runs"),
        pytest.param("C", "/*/ x */", ((0, 8),), (), id="c-slash-star-slash"),
        pytest.param("Rust", "/*/*/ */*/", ((0, 10),), (), id="rust-nesting-depth"),
    ],
)
def test_exact_spans(
    language: str,
    source: str,
    comments: tuple[tuple[int, int], ...],
    strings: tuple[tuple[int, int], ...],
) -> None:
    assert lex(language, source) == Spans(comments, strings)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        pytest.param("Python", True, id="known"),
        pytest.param("c++", True, id="case-insensitive"),
        pytest.param("Linker Script", True, id="two-words"),
        pytest.param("Brainfuck", False, id="unknown"),
    ],
)
def test_supports(language: str, expected: bool) -> None:
    assert supports(language) is expected


def test_unknown_language_is_empty() -> None:
    assert lex("Brainfuck", "/* x */ 'y'") == Spans((), ())


def test_spans_bisect_boundaries() -> None:
    spans = Spans(comments=((2, 4), (10, 12)), strings=())
    assert [spans.in_comment(i) for i in (1, 2, 3, 4, 9, 10, 11, 12)] == [
        False,
        True,
        True,
        False,
        False,
        True,
        True,
        False,
    ]


def test_every_family_pattern_is_re2_compatible() -> None:
    re2 = pytest.importorskip("re2")
    for family in lexers._FAMILIES:
        re2.compile(lexers.family_pattern(family))


MEGABYTE = 1_000_000
HOSTILE = [
    pytest.param("/*" * (MEGABYTE // 2), id="open-block"),
    pytest.param('"' * MEGABYTE, id="double-quotes"),
    pytest.param("'" * MEGABYTE, id="single-quotes"),
    pytest.param('a"b\n' * (MEGABYTE // 4), id="unterminated-lines"),
    pytest.param("x'\\" * (MEGABYTE // 3), id="quote-backslash"),
    pytest.param("*" * MEGABYTE, id="stars"),
    pytest.param("a#[=[`" * (MEGABYTE // 6), id="mixed-openers"),
    pytest.param("--[[" + "]" * MEGABYTE, id="long-bracket-unclosed"),
]


@pytest.mark.parametrize("source", HOSTILE)
@pytest.mark.parametrize(
    "language",
    ["C++", "Rust", "Python", "Shell", "Lua", "YAML", "C#", "Haskell", "CMake", "Perl"],
)
def test_hostile_input_is_linear(language: str, source: str) -> None:
    started = time.process_time()  # CPU time: other processes on the machine do not count
    spans = lex(language, source)
    assert time.process_time() - started < 1.0
    assert all(a < b for a, b in spans.comments + spans.strings)
