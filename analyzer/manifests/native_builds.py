"""More C and C++ manifests: conan.lock, meson.build, Bazel's MODULE.bazel and WORKSPACE, and Makefiles.

Meson and Starlark (Bazel) files are programs, and none is ever run: one small tokenizer reads both
(comments, the quote forms of each, brackets checked for balance) and only calls with literal arguments
count — ``dependency('zlib')`` (ecosystem ``meson``), ``bazel_dep(name = "abseil-cpp")`` and
``http_archive(name = ...)`` (ecosystem ``bazel``). Makefiles are everywhere and rarely about
dependencies, so their reader is deliberately narrow and cheap: variable assignments only, looking for
an Emscripten or bare-metal toolchain (ecosystem ``target``), linked libraries (``-lssl``) and
``pkg-config`` modules, which go to ecosystem ``cmake`` so that the C/C++ library rules see them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read.jsondoc import load_json_object
from analyzer.model import Dependency, ManifestResult, Scope

_TOKEN = re.compile(
    r"""(?P<skip>[ \t\r\f\v]+|\\\n|\n|\#[^\n]*)
    |(?P<str>[rRbBfFuU]{0,2}(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"|'(?:\\.|[^\\'\n])*'|"(?:\\.|[^\\"\n])*"))
    |(?P<id>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<num>[0-9][A-Za-z0-9_.]*)
    |(?P<op>.)""",
    re.VERBOSE | re.DOTALL,
)
_PAIRS = {")": "(", "]": "[", "}": "{"}
_ARCHIVE_RULES = frozenset({"http_archive", "git_repository", "new_git_repository"})


@dataclass(frozen=True)
class _Tok:
    kind: str
    """str, id, num or op."""
    value: str
    """Text of the token; for strings, the contents without prefix and quotes."""
    line: int


def _tokens(text: str, filename: str) -> list[_Tok]:
    """Tokens of a Meson or Starlark text; raises on unterminated strings and unbalanced brackets."""
    out: list[_Tok] = []
    stack: list[_Tok] = []
    line = 1
    for match in _TOKEN.finditer(text):
        kind, raw = match.lastgroup or "op", match.group()
        if kind == "str":
            body = raw.lstrip("rRbBfFuU")
            quote = 3 if body[:3] in ("'''", '"""') else 1
            out.append(_Tok("str", body[quote:-quote], line))
        elif kind in ("id", "num"):
            out.append(_Tok(kind, raw, line))
        elif kind == "op":
            if raw in "'\"":
                raise ManifestError(f"{filename} line {line}: unterminated string")
            tok = _Tok("op", raw, line)
            if raw in "([{":
                stack.append(tok)
            elif raw in _PAIRS:
                if not stack or stack[-1].value != _PAIRS[raw]:
                    raise ManifestError(f"{filename} line {line}: unexpected {raw!r}")
                stack.pop()
            out.append(tok)
        line += raw.count("\n")
    if stack:
        raise ManifestError(f"{filename} line {stack[-1].line}: {stack[-1].value!r} is never closed")
    return out


@dataclass(frozen=True)
class _Call:
    name: str
    line: int
    positional: tuple[tuple[_Tok, ...], ...]
    keywords: dict[str, tuple[_Tok, ...]]


def _calls(tokens: list[_Tok], names: frozenset[str], kw_sign: str) -> Iterator[_Call]:
    """Calls of the named functions, their arguments split at top-level commas (brackets are balanced)."""
    for index, tok in enumerate(tokens[:-1]):
        after = tokens[index + 1]
        if tok.kind != "id" or tok.value not in names or after.kind != "op" or after.value != "(":
            continue
        args: list[list[_Tok]] = [[]]
        depth, j = 0, index + 2
        while depth > 0 or tokens[j].kind != "op" or tokens[j].value != ")":
            cur = tokens[j]
            if cur.kind == "op" and cur.value in "([{":
                depth += 1
            elif cur.kind == "op" and cur.value in ")]}":
                depth -= 1
            if depth == 0 and cur.kind == "op" and cur.value == ",":
                args.append([])
            else:
                args[-1].append(cur)
            j += 1
        positional, keywords = [], {}
        for arg in filter(None, args):
            if len(arg) >= 2 and arg[0].kind == "id" and arg[1].value == kw_sign:
                keywords[arg[0].value] = tuple(arg[2:])
            else:
                positional.append(tuple(arg))
        yield _Call(tok.value, tok.line, tuple(positional), keywords)


def _string(arg: tuple[_Tok, ...] | None) -> str | None:
    return arg[0].value if arg and len(arg) == 1 and arg[0].kind == "str" else None


def _strings(arg: tuple[_Tok, ...] | None) -> list[str]:
    """A literal string, or the strings of a literal list of strings."""
    if not arg:
        return []
    single = _string(arg)
    if single is not None:
        return [single]
    inner = [t for t in arg[1:-1] if t.value != ","]
    if arg[0].value == "[" and arg[-1].value == "]" and all(t.kind == "str" for t in inner):
        return [t.value for t in inner]
    return []


def _flag(arg: tuple[_Tok, ...] | None) -> bool | None:
    if arg and len(arg) == 1 and arg[0].kind == "id" and arg[0].value.lower() in ("true", "false"):
        return arg[0].value.lower() == "true"
    return None


# --- meson.build ----------------------------------------------------------------------------------


def parse_meson(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``dependency()``, ``subproject()`` and ``find_library()`` calls with literal names in a meson.build."""
    del ctx
    tokens = _tokens(text, "meson.build")
    deps: list[Dependency] = []
    seen: set[tuple[str, Scope]] = set()
    for call in _calls(tokens, frozenset({"dependency", "subproject", "find_library"}), ":"):
        name = _string(call.positional[0]) if call.positional else None
        if not name:
            continue  # a computed name, or dependency('') which meson treats as "not found"
        notes = _strings(call.keywords.get("version"))
        if _flag(call.keywords.get("required")) is False:
            notes.append("optional")
        scope = Scope.BUILD if _flag(call.keywords.get("native")) else Scope.RUNTIME
        if (name, scope) not in seen:
            seen.add((name, scope))
            deps.append(
                Dependency(
                    ecosystem="meson",
                    name=name,
                    version=" ".join(notes),
                    scope=scope,
                    direct=True,
                    path=path,
                    line=call.line,
                )
            )
    return ManifestResult(dependencies=tuple(deps))


# --- MODULE.bazel / WORKSPACE ---------------------------------------------------------------------


def _bazel_rule(call: _Call) -> _Call:
    """``maybe(http_archive, name = ...)`` as the ``http_archive(name = ...)`` call it wraps."""
    if call.name == "maybe" and call.positional and len(call.positional[0]) == 1:
        return _Call(call.positional[0][0].value, call.line, call.positional[1:], call.keywords)
    return call


def parse_bazel(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """``bazel_dep`` modules and ``http_archive`` / ``git_repository`` repositories of Bazel files."""
    del ctx
    tokens = _tokens(text, path.rsplit("/", 1)[-1])
    wanted = frozenset({"bazel_dep", "maybe", *_ARCHIVE_RULES})
    deps: list[Dependency] = []
    for call in map(_bazel_rule, _calls(tokens, wanted, "=")):
        name = _string(call.keywords.get("name"))
        if not name or (call.name != "bazel_dep" and call.name not in _ARCHIVE_RULES):
            continue
        if call.name == "bazel_dep":
            version = _string(call.keywords.get("version")) or ""
            scope = Scope.DEV if _flag(call.keywords.get("dev_dependency")) else Scope.RUNTIME
        else:
            version = _string(call.keywords.get("tag")) or _string(call.keywords.get("commit")) or ""
            scope = Scope.RUNTIME
        deps.append(
            Dependency(
                ecosystem="bazel", name=name, version=version, scope=scope, direct=True, path=path, line=call.line
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- conan.lock -----------------------------------------------------------------------------------

_LOCK_SCOPES = {"requires": Scope.RUNTIME, "build_requires": Scope.BUILD, "python_requires": Scope.BUILD}


def _reference(ref: str) -> tuple[str, str] | None:
    """(name, version) of ``name/version[@user/channel][#revision][%timestamp]``."""
    name, slash, rest = ref.partition("/")
    if not slash or not name or not rest:
        return None
    return name.strip(), re.split(r"[@#%]", rest, maxsplit=1)[0].strip()


def _conan_refs(data: dict[str, object]) -> Iterator[tuple[str, Scope]]:
    graph = data.get("graph_lock")
    if isinstance(graph, dict):  # lockfile 0.4 (Conan 1): a graph of nodes, "0" being the project
        nodes = graph.get("nodes", {})
        if not isinstance(nodes, dict):
            raise ManifestError("conan.lock: graph_lock.nodes must be an object")
        for key, node in nodes.items():
            ref = node.get("ref") if isinstance(node, dict) else None
            if key != "0" and isinstance(ref, str) and isinstance(node, dict):
                yield ref, Scope.BUILD if node.get("context") == "build" else Scope.RUNTIME
        return
    for section, scope in _LOCK_SCOPES.items():  # lockfile 0.5 (Conan 2): flat lists of references
        refs = data.get(section, [])
        if not isinstance(refs, list):
            raise ManifestError(f"conan.lock: {section!r} must be a list of references")
        for ref in refs:
            if isinstance(ref, str):
                yield ref, scope


def parse_conan_lock(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Every reference locked in a conan.lock (0.4 and 0.5 formats), all transitive."""
    del ctx
    data = load_json_object(text, "conan.lock")
    if "graph_lock" not in data and not any(k in data for k in _LOCK_SCOPES):
        raise ManifestError("conan.lock has neither 'requires' nor 'graph_lock': not a Conan lockfile")
    deps: list[Dependency] = []
    cursor = 0
    for ref, scope in _conan_refs(data):
        parsed = _reference(ref)
        if parsed is None:
            continue  # a consumer node such as "conanfile.txt" names no package
        found = text.find(json.dumps(ref), cursor)
        line = text.count("\n", 0, found) + 1 if found >= 0 else 0
        cursor = found + 1 if found >= 0 else cursor
        deps.append(
            Dependency(
                ecosystem="conan", name=parsed[0], version=parsed[1], scope=scope, direct=False, path=path, line=line
            )
        )
    return ManifestResult(dependencies=tuple(deps))


# --- Makefiles ------------------------------------------------------------------------------------

_ASSIGN = re.compile(
    r"^(?:[\w./%$()-]+\s*:(?![:=])\s*)?(?:(?:override|export|private)\s+)*"
    r"([A-Za-z_][A-Za-z0-9_.]*)\s*(?:::=|:::=|:=|\?=|\+=|!=|=)\s*(.*)$"
)
_COMMENT = re.compile(r"(?<!\\)#.*$")
_EMCC = frozenset({"emcc", "em++", "emcc.py", "em++.py"})
_EMCC_FLAG = re.compile(
    r"(?:^|\s)-s\s*(?:WASM|STANDALONE_WASM|USE_[A-Z0-9_]+|EXPORTED_FUNCTIONS|MODULARIZE|ASYNCIFY|"
    r"ALLOW_MEMORY_GROWTH|INITIAL_MEMORY|TOTAL_MEMORY)\b"
)
_BARE_TOOL = re.compile(
    r"^(?:arm|aarch64|riscv(?:32|64)?|xtensa[\w-]*?|msp430|avr)-(?:\w+-)?(?:none-eabi(?:hf)?|elf|"
    r"none-elf|unknown-elf)(?:-[\w+]+)?-?$|^avr-(?:gcc|g\+\+)$"
)
_BARE_FLAG = re.compile(r"^-mcpu=cortex-[mr]\d+|^-mmcu=\w+")
_LIB = re.compile(r"^-l([A-Za-z0-9_+][A-Za-z0-9_+.\-]*)$")
_LIB_VARIABLE = re.compile(r"LIB|FLAGS|LDADD|LINK")
_MAX_CONTROL_SHARE = 0.05
_WORTH_READING = re.compile(
    r"-l|-pthread|-s\s*[A-Z]|em(?:cc|\+\+)|-m(?:cpu|mcu)=|pkg-config|-none|-elf|-unknown-elf|avr-"
)


def _opens_define(raw: str) -> bool:
    words = raw.split()[:3]
    return "define" in words and words[0] in ("define", "override", "export", "private")


def _make_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of each logical line, continuations joined, comments and define blocks dropped."""
    pending: list[str] = []
    first, in_define = 0, False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            first = number
            if in_define:
                in_define = raw.split()[:1] != ["endef"]
                continue
            if "define" in raw and _opens_define(raw):
                in_define = True  # a multi-line variable: its body is text, often a recipe
                continue
        if raw.endswith("\\"):
            pending.append(raw[:-1])
            continue
        pending.append(raw)
        joined = " ".join(pending) if len(pending) > 1 else raw
        pending = []
        # Most lines of a Makefile say nothing this reader wants: one search lets them go early.
        if _WORTH_READING.search(joined):
            yield first, _COMMENT.sub("", joined).strip()


def _make_signals(name: str, value: str) -> Iterator[tuple[str, str]]:
    """(ecosystem, name) pairs an assignment reveals: build targets, linked libraries, pkg-config modules."""
    words = value.split()
    if (words and words[0].rsplit("/", 1)[-1] in _EMCC) or _EMCC_FLAG.search(value):
        yield "target", "emscripten"
    for word in words:
        if "$" in word:
            continue
        if _BARE_TOOL.match(word.rsplit("/", 1)[-1]) or _BARE_FLAG.match(word):
            yield "target", "bare-metal"
        elif _LIB_VARIABLE.search(name.upper()):
            lib = _LIB.match(word)
            if lib:
                yield "cmake", lib.group(1)
            elif word == "-pthread":
                yield "cmake", "pthread"
    for match in re.finditer(r"pkg-config((?:\s+[^\s$()]+)+)", value):
        for module in match.group(1).split():
            if not module.startswith("-"):
                yield "cmake", module


def parse_makefile(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Build targets (emscripten, bare-metal) and linked libraries named in a Makefile's assignments.

    Only variable assignments are read; rules, recipes and functions are left alone, so an odd but
    valid Makefile never fails. Only binary data does.
    """
    del ctx
    sample = text[:8192]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f\v")
    if "\0" in sample or controls > len(sample) * _MAX_CONTROL_SHARE:
        raise ManifestError("binary data, not a Makefile")
    found: dict[tuple[str, str], int] = {}
    if _WORTH_READING.search(text) is None:
        return ManifestResult()
    for number, line in _make_lines(text):
        assign = _ASSIGN.match(line)
        if assign is None:
            continue
        for key in _make_signals(assign.group(1), assign.group(2)):
            found.setdefault(key, number)
    deps = [
        Dependency(
            ecosystem=eco,
            name=name,
            version="",
            scope=Scope.BUILD if eco == "target" else Scope.RUNTIME,
            direct=True,
            path=path,
            line=line,
        )
        for (eco, name), line in found.items()
    ]
    return ManifestResult(dependencies=tuple(deps))
