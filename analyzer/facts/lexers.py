"""Where the comments and string literals of a source file are, so content rules can ignore them.

The matcher finds candidate hits on raw text, then asks ``lex(language, text)`` whether a hit's start
offset lies in a comment or a string. Each language family has one token pattern (an alternation of
comment and string openers with their bodies), compiled lazily and cached; the scan walks the text
with ``search(text, pos)`` from token to token. Constructs a regular expression cannot close
(nested block comments, raw strings whose delimiter is chosen by the author, Lua/CMake long
brackets, ``=begin`` blocks) are closed by small handlers with ``str.find``; handlers also veto
look-alikes (``$#`` in a shell, ``#[attr]`` in PHP, digit separators in C++). Known approximations:
JS regex literals, shell/Ruby/PHP heredocs and ``${...}`` interpolation that nests quotes are not
modelled (the inner quotes toggle string state); YAML quoted scalars are single-line. Unterminated
single-line strings stop at the end of their line; block comments and strings of kinds that may
span lines (triple-quoted, raw, template, and ordinary strings of Rust, PHP, Ruby, shells...) run to
the end of the file, as the language's own lexer would read them. Offsets index the ``str``.

Engine: every pattern is RE2-compatible (no lookaround or backreferences, checked by the tests), and
written so Python's backtracking ``re`` stays linear: alternatives start with distinct literals,
loop bodies are disjoint, and every body alternative always succeeds once its opener matched. The
scan itself uses ``re`` because the google-re2 wrapper spends 1-5 microseconds of Python per match,
which made a 1 MB file of quotes take seconds instead of a quarter of one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Kind = Literal["comment", "string"]
Handler = Callable[[str, re.Match[str]], tuple[Kind, int] | None]
"""Closes or vetoes a token the family pattern opened: (kind, end offset), or None for no token."""

COMMENT: Kind = "comment"
STRING: Kind = "string"

_CACHE: dict[str, re.Pattern[str]] = {}
"""Compiled family patterns and handler helpers, by family name or pattern text (filled on use)."""


@dataclass(frozen=True)
class Spans:
    """Comment and string-literal extents of one text, as sorted, non-overlapping [start, end)."""

    comments: tuple[tuple[int, int], ...]
    """Comment extents (line comments exclude their newline)."""
    strings: tuple[tuple[int, int], ...]
    """String-literal extents from the opening quote (prefixes such as r, b, f stay code);
    docstrings count as strings."""

    def in_comment(self, offset: int) -> bool:
        """Whether ``offset`` lies inside a comment."""
        return _inside(self.comments, offset)

    def in_string(self, offset: int) -> bool:
        """Whether ``offset`` lies inside a string literal."""
        return _inside(self.strings, offset)

    def string_at(self, offset: int) -> tuple[int, int] | None:
        """The extent of the string literal around ``offset``, or None."""
        index = bisect_right(self.strings, (offset, float("inf")))
        if index > 0 and self.strings[index - 1][0] <= offset < self.strings[index - 1][1]:
            return self.strings[index - 1]
        return None


def _inside(spans: tuple[tuple[int, int], ...], offset: int) -> bool:
    index = bisect_right(spans, (offset, float("inf")))
    return index > 0 and spans[index - 1][0] <= offset < spans[index - 1][1]


@dataclass(frozen=True)
class _Token:
    """One alternative of a family pattern: a literal lead character, then a named group."""

    name: str
    """Group name, unique within its family."""
    regex: str
    """The whole alternative; it starts with one literal character (escaped or not)."""
    kind: Kind
    handler: Handler | None = None

    def alternative(self) -> str:
        # A literal lead outside the group lets `re` skip ahead with a C-level first-character
        # scan; a group or class in first position would make it try every offset.
        lead = 2 if self.regex.startswith("\\") else 1
        return f"{self.regex[:lead]}(?P<{self.name}>{self.regex[lead:]})"


def _helper(pattern: str) -> re.Pattern[str]:
    compiled = _CACHE.get(pattern)
    if compiled is None:
        compiled = _CACHE[pattern] = re.compile(pattern)
    return compiled


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _prefix_ok(text: str, start: int, prefixes: tuple[str, ...]) -> bool:
    """Whether the word glued before ``start`` is empty or one of ``prefixes`` (``u8``, ``b``...)."""
    word_start = start
    while word_start > 0 and start - word_start < 2 and _is_word(text[word_start - 1]):
        word_start -= 1
    if word_start == start:
        return True
    return text[word_start:start] in prefixes and not (word_start and _is_word(text[word_start - 1]))


def _to_closer(text: str, from_pos: int, closer: str) -> int:
    """End offset just past ``closer``, or the end of the text when it never comes."""
    index = text.find(closer, from_pos)
    return len(text) if index < 0 else index + len(closer)


def _line_end(text: str, from_pos: int) -> int:
    index = text.find("\n", from_pos)
    return len(text) if index < 0 else index


# --- handlers -------------------------------------------------------------------------------------


def _nested(pair: str, opener: str) -> Handler:
    """Block comments that nest (Rust, Swift, Kotlin, Scala, Dart ``/* */``; Haskell ``{- -}``)."""

    def handle(text: str, match: re.Match[str]) -> tuple[Kind, int]:
        finder, depth, pos = _helper(pair), 1, match.end()
        while depth:
            found = finder.search(text, pos)
            if found is None:
                return COMMENT, len(text)
            depth += 1 if found.group() == opener else -1
            pos = found.end()
        return COMMENT, pos

    return handle


def _hash_raw(text: str, match: re.Match[str]) -> tuple[Kind, int] | None:
    """Rust ``r#"..."#`` / ``br"..."`` and Swift ``#"..."#``: closed by a quote and as many #."""
    if match.group()[0] == "r" and not _prefix_ok(text, match.start(), ("b", "c")):
        return None
    return STRING, _to_closer(text, match.end(), '"' + "#" * match.group().count("#"))


def _swift_raw(text: str, match: re.Match[str]) -> tuple[Kind, int] | None:
    """Swift ``#"..."#``, ``##"..."##``: only the first ``#`` of a run may open one.

    The token is a single ``#`` and the run is measured here: a pattern ``##*"`` made the regex engine
    rescan the rest of a run of ``#`` from every one of them (400,000 ``#`` took 50 s).
    """
    start = match.start()
    if start and text[start - 1] == "#":
        return None
    end = start
    while end < len(text) and text[end] == "#":
        end += 1
    if end >= len(text) or text[end] != '"':
        return None
    return STRING, _to_closer(text, end + 1, '"' + "#" * (end - start))


def _cpp_raw(text: str, match: re.Match[str]) -> tuple[Kind, int] | None:
    """C++ ``R"delim( ... )delim"`` (also ``u8R``, ``LR``...)."""
    if not _prefix_ok(text, match.start(), ("u8", "u", "U", "L")):
        return None
    opener = match.group()
    return STRING, _to_closer(text, match.end(), ")" + opener[2:-1] + '"')


def _cpp_char(text: str, match: re.Match[str]) -> tuple[Kind, int] | None:
    """A char literal, unless the quote is a digit separator (``1'000'000``)."""
    if not _prefix_ok(text, match.start(), ("u8", "u", "U", "L")):
        return None
    return STRING, match.end()


def _long_bracket(text: str, match: re.Match[str]) -> tuple[Kind, int]:
    """Lua ``[==[ ]==]`` / ``--[[ ]]`` and CMake ``[[ ]]`` / ``#[[ ]]``."""
    opener = match.group()
    kind = COMMENT if opener[0] in "-#" else STRING
    return kind, _to_closer(text, match.end(), "]" + "=" * opener.count("=") + "]")


def _line_doc(end_marker: str) -> Handler:
    """Ruby ``=begin ... =end`` and Perl POD ``=pod ... =cut``, markers at line start."""

    def handle(text: str, match: re.Match[str]) -> tuple[Kind, int] | None:
        if match.start() and text[match.start() - 1] != "\n":
            return None
        index = text.find("\n" + end_marker, match.end())
        return COMMENT, len(text) if index < 0 else _line_end(text, index + 1)

    return handle


def _line_comment_if(accept: Callable[[str, str], bool]) -> Handler:
    """A line comment when ``accept(previous char, next char)`` says so ("" at the edges)."""

    def handle(text: str, match: re.Match[str]) -> tuple[Kind, int] | None:
        start, end = match.start(), match.end()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        return (COMMENT, _line_end(text, end)) if accept(before, after) else None

    return handle


def _after_space(before: str, _after: str) -> bool:
    return not before or before.isspace()


def _shell_boundary(before: str, _after: str) -> bool:
    return not before or before.isspace() or before in ";&|()<>"


def _haskell_dashes(text: str, match: re.Match[str]) -> tuple[Kind, int] | None:
    """``--`` starts a comment unless the dashes belong to an operator such as ``-->``."""
    end = match.end()
    if end < len(text) and text[end] in "!#$%&*+./<=>?@\\^|~:":
        return None
    return COMMENT, _line_end(text, end)


def _not_after_word(text: str, match: re.Match[str]) -> tuple[Kind, int] | None:
    """Haskell chars: ``foldl'`` and ``x'`` are names with primes, not quotes."""
    start = match.start()
    if start and (_is_word(text[start - 1]) or text[start - 1] == "'"):
        return None
    return STRING, match.end()


def _yaml_quoted(text: str, match: re.Match[str]) -> tuple[Kind, int] | None:
    """A YAML quoted scalar starts a value (``don't`` in a plain scalar is no quote)."""
    start = match.start()
    if start and not (text[start - 1].isspace() or text[start - 1] in "[{,:-?"):
        return None
    body = _DQ_LINE if match.group() == '"' else r"'(?:[^'\n]|'')*'?"
    found = _helper(body).match(text, start)
    return STRING, found.end() if found else match.end()


# --- token bodies ---------------------------------------------------------------------------------

# A doubled quote inside a body continues the extent: "a""b" is two adjacent literals either way, and
# a file of quotes stays one token instead of a million.
_DQ_LINE = r'"(?:[^"\\\n]|\\(?:\r\n|[\s\S])|"")*"?'  # ends at its quote or before the newline
_SQ_LINE = r"'(?:[^'\\\n]|\\(?:\r\n|[\s\S])|'')*'?"
_DQ_MULTI = r'"(?:[^"\\]|\\[\s\S]|"")*"?'
_SQ_MULTI = r"'(?:[^'\\]|\\[\s\S]|'')*'?"
_CHAR = r"'(?:[^'\\\n]|\\'|\\[^'\n]{1,9})'"  # one char or escape: 'a lifetimes never close
_TRIPLE_DQ = r'"""(?:[^"\\]|\\[\s\S]|"{1,2}(?:[^"\\]|\\[\s\S]))*"{0,3}'
_TRIPLE_SQ = r"'''(?:[^'\\]|\\[\s\S]|'{1,2}(?:[^'\\]|\\[\s\S]))*'{0,3}"
_RAW_TRIPLE_DQ = r'"""(?:[^"]|"{1,2}[^"])*"*'  # Kotlin/Scala/C# raw: no escapes, extra quotes close
_RAW_TRIPLE_SQ = r"'''(?:[^']|'{1,2}[^'])*'{0,3}"
_C_LINE = r"//(?:[^\\\n]|\\(?:\r\n|[\s\S]))*"  # a backslash-newline splices the next line in

_LINE = _Token("line", r"//[^\n]*", COMMENT)
_BLOCK = _Token("block", r"/\*(?:[^*]|\*+[^*/])*\**/?", COMMENT)
_BLOCK_NESTED = _Token("nblock", r"/\*", COMMENT, _nested(r"/\*|\*/", "/*"))
_HASH = _Token("hash", r"#[^\n]*", COMMENT)
_DQ = _Token("dq", _DQ_LINE, STRING)
_SQ = _Token("sq", _SQ_LINE, STRING)
_DQM = _Token("dqm", _DQ_MULTI, STRING)
_SQM = _Token("sqm", _SQ_MULTI, STRING)
_CHR = _Token("char", _CHAR, STRING)
_TDQ = _Token("tdq", _TRIPLE_DQ, STRING)
_TSQ = _Token("tsq", _TRIPLE_SQ, STRING)
_RAW_TDQ = _Token("rawtdq", _RAW_TRIPLE_DQ, STRING)
_BACKTICK = _Token("backtick", r"`(?:[^`\\]|\\[\s\S])*`?", STRING)
_DASHES = _Token("dashes", r"--[^\n]*", COMMENT)


def _hash_if(accept: Callable[[str, str], bool]) -> _Token:
    return _Token("ghash", "#", COMMENT, _line_comment_if(accept))


_FAMILIES: Mapping[str, tuple[_Token, ...]] = MappingProxyType(
    {
        "c": (_Token("cline", _C_LINE, COMMENT), _BLOCK, _DQ, _CHR),
        "cpp": (
            _Token("cline", _C_LINE, COMMENT),
            _BLOCK,
            _Token("cppraw", r'R"[^()\\ \t\r\n"]{0,16}\(', STRING, _cpp_raw),
            _DQ,
            _Token("cppchar", _CHAR, STRING, _cpp_char),
        ),
        "java": (_LINE, _BLOCK, _TDQ, _DQ, _CHR),
        "kotlin": (_LINE, _BLOCK_NESTED, _RAW_TDQ, _DQ, _CHR),
        "groovy": (_LINE, _BLOCK, _TDQ, _TSQ, _DQ, _SQ),
        "csharp": (  # $@"..." is code `$` then a verbatim string at `@`
            _LINE,
            _BLOCK,
            _Token("verbatim", r'@\$*"(?:[^"]|"")*"?', STRING),
            _RAW_TDQ,
            _DQ,
            _CHR,
        ),
        "js": (_LINE, _BLOCK, _Token("template", _BACKTICK.regex, STRING), _DQ, _SQ),
        "go": (_LINE, _BLOCK, _Token("raw", r"`[^`]*`?", STRING), _DQ, _CHR),
        "rust": (_LINE, _BLOCK_NESTED, _Token("hashraw", r'r#*"', STRING, _hash_raw), _DQM, _CHR),
        "swift": (_LINE, _BLOCK_NESTED, _Token("hashraw", "#", STRING, _swift_raw), _TDQ, _DQ),
        "dart": (
            _LINE,
            _BLOCK_NESTED,
            _Token(
                "rawstr",
                r"""r(?:'''(?:[^']|'{1,2}[^'])*'{0,3}|\"""(?:[^"]|"{1,2}[^"])*"{0,3}"""
                r"""|'[^'\n]*'?|"[^"\n]*"?)""",
                STRING,
            ),
            _TDQ,
            _TSQ,
            _DQ,
            _SQ,
        ),
        "php": (_LINE, _BLOCK, _hash_if(lambda _before, after: after != "["), _DQM, _SQM, _BACKTICK),
        "clike_sq": (_LINE, _BLOCK, _DQ, _SQ),  # Solidity, Protocol Buffer
        "zig": (_LINE, _Token("zigml", r"\\\\[^\n]*", STRING), _DQ, _CHR),
        "python": (  # prefixes (r, b, f, u) stay code: the extent starts at the quote
            _HASH,
            _TDQ,
            _TSQ,
            _Token("pydq", _DQ_LINE.replace('|""', ""), STRING),  # "" may open a triple quote here
            _Token("pysq", _SQ_LINE.replace("|''", ""), STRING),
        ),
        "ruby": (_Token("rbdoc", r"=begin\b", COMMENT, _line_doc("=end")), _HASH, _DQM, _SQM, _BACKTICK),
        "shell": (_hash_if(_shell_boundary), _DQM, _Token("sqlit", r"'(?:[^']|'')*'?", STRING)),
        "make": (_hash_if(lambda before, _after: before != "\\"),),
        "cmake": (
            _Token("bcomment", r"#\[=*\[", COMMENT, _long_bracket),
            _HASH,
            _Token("bargument", r"\[=*\[", STRING, _long_bracket),
            _DQM,
        ),
        "yaml": (
            _hash_if(_after_space),
            _Token("ydq", '"', STRING, _yaml_quoted),
            _Token("ysq", "'", STRING, _yaml_quoted),
        ),
        "toml": (_HASH, _TDQ, _Token("ltsq", _RAW_TRIPLE_SQ, STRING), _DQ, _Token("lsq", r"'[^'\n]*'?", STRING)),
        "hcl": (_HASH, _LINE, _BLOCK, _DQ),
        "perl": (
            _Token("pod", "=[A-Za-z]", COMMENT, _line_doc("=cut")),
            _hash_if(lambda before, _after: before != "$"),
            _DQM,
            _SQM,
        ),
        "hash_multi": (_HASH, _DQM, _SQM),  # R
        "elixir": (_hash_if(lambda before, _after: before != "?"), _TDQ, _TSQ, _DQM, _SQM),
        "lua": (
            _Token("longc", r"--\[=*\[", COMMENT, _long_bracket),
            _DASHES,
            _Token("longs", r"\[=*\[", STRING, _long_bracket),
            _DQ,
            _SQ,
        ),
        "sql": (_DASHES, _BLOCK, _Token("sqlsq", r"'(?:[^']|'')*'?", STRING)),
        "haskell": (
            _Token("hsblock", r"\{-", COMMENT, _nested(r"\{-|-\}", "{-")),
            _Token("hsdash", "--+", COMMENT, _haskell_dashes),
            _DQ,
            _Token("hschar", _CHAR, STRING, _not_after_word),
        ),
        "asm": (
            _Token("semi", r";[^\n]*", COMMENT),
            _LINE,
            _BLOCK,
            _hash_if(lambda _before, after: not after or after in " \t\r\n#!"),
            _DQ,
            _Token("asmsq", r"'[^'\n]*'", STRING),
        ),
        "ld": (_BLOCK, _DQ),
        "json": (_DQ,),
        "jsonc": (_LINE, _BLOCK, _DQ),
        "ini": (
            _Token("semi", ";", COMMENT, _line_comment_if(_after_space)),
            _Token("ihash", "#", COMMENT, _line_comment_if(_after_space)),
        ),
    }
)

_LANGUAGES: Mapping[str, str] = MappingProxyType(
    {
        name.lower(): family
        for family, names in (
            ("c", ("C", "Objective-C", "Cuda", "OpenCL", "GLSL", "HLSL", "Metal", "WGSL")),
            ("cpp", ("C++", "Objective-C++")),
            ("java", ("Java", "Vala")),
            ("kotlin", ("Kotlin", "Scala")),
            ("groovy", ("Groovy", "Gradle")),
            ("csharp", ("C#",)),
            ("js", ("JavaScript", "TypeScript", "TSX", "JSX")),
            ("go", ("Go", "Odin")),
            ("rust", ("Rust",)),
            ("swift", ("Swift",)),
            ("dart", ("Dart",)),
            ("php", ("PHP", "Hack")),
            ("clike_sq", ("Solidity", "Protocol Buffer", "FlatBuffers", "Apex", "Bicep")),
            ("zig", ("Zig",)),
            ("python", ("Python", "Starlark", "Cython", "GDScript", "Meson", "Mojo")),
            ("ruby", ("Ruby", "Crystal")),
            ("shell", ("Shell", "Dockerfile")),
            ("make", ("Makefile",)),
            ("cmake", ("CMake",)),
            ("yaml", ("YAML",)),
            ("toml", ("TOML",)),
            ("hcl", ("HCL", "Thrift")),
            ("perl", ("Perl",)),
            ("hash_multi", ("R",)),
            ("elixir", ("Elixir",)),
            ("lua", ("Lua",)),
            ("sql", ("SQL", "PLSQL", "PLpgSQL", "TSQL")),
            ("haskell", ("Haskell",)),
            ("asm", ("Assembly", "Unix Assembly")),
            ("ld", ("Linker Script",)),
            ("json", ("JSON",)),
            ("jsonc", ("JSON with Comments",)),
            ("ini", ("INI",)),
        )
        for name in names
    }
)


def supports(language: str) -> bool:
    """Whether ``lex`` knows the comment and string syntax of ``language`` (a linguist name)."""
    return language.lower() in _LANGUAGES


def family_pattern(family: str) -> str:
    """The combined token pattern of a family (for tests and RE2 compatibility checks)."""
    return "(?m)" + "|".join(token.alternative() for token in _FAMILIES[family])


def lex(language: str, text: str) -> Spans:
    """Comment and string extents of ``text`` written in ``language``; empty for unknown languages."""
    family = _LANGUAGES.get(language.lower())
    if family is None:
        return Spans((), ())
    pattern = _CACHE.get(family)
    if pattern is None:
        pattern = _CACHE[family] = re.compile(family_pattern(family))
    return _scan(pattern, {t.name: t for t in _FAMILIES[family]}, text)


def _scan(pattern: re.Pattern[str], tokens: Mapping[str, _Token], text: str) -> Spans:
    found: dict[Kind, list[tuple[int, int]]] = {COMMENT: [], STRING: []}
    search, pos, size = pattern.search, 0, len(text)
    while pos < size:
        match = search(text, pos)
        if match is None:
            break
        token, start = tokens[match.lastgroup or ""], match.start()
        result = (token.kind, match.end()) if token.handler is None else token.handler(text, match)
        if result is None:  # a look-alike: rescan from the next character
            pos = start + 1
            continue
        kind, end = result
        spans = found[kind]
        if spans and spans[-1][1] == start:  # adjacent literals ("a""b") merge into one extent
            spans[-1] = (spans[-1][0], end)
        elif end > start:
            spans.append((start, end))
        pos = max(end, start + 1)
    return Spans(tuple(found[COMMENT]), tuple(found[STRING]))
