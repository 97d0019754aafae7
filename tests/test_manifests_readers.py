"""The manifest parsers' shared readers (analyzer/manifests/_read): one message per failure whichever parser
reads the file, bytes decoded as an editor would (BOMs, UTF-16/32), Git LFS pointers and truncated files
reported as such, and the registry's error boundary wording."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from analyzer.manifests import parse_manifest, read_all, registered
from analyzer.manifests._read.decode import decode, is_lfs_pointer
from analyzer.model import FileEntry, Inventory, Role
from tests.manifest_helpers import FakeContext

# Every parser that reads YAML (values.yaml is read only beside a Chart.yaml, so it is left out here).
_YAML_PARSERS = [
    *(p for p, _ in registered() if p.endswith((".yml", ".yaml")) and p != "values.yaml"),
    "pubspec.lock",
    "Podfile.lock",
]
_DEEP_MESSAGE = re.compile(r"could not parse \S+: \S+ is nested too deeply to read \(line 1\): YAML deeper than 64")


@pytest.mark.parametrize("path", sorted(set(_YAML_PARSERS)))
def test_every_yaml_parser_gives_one_message_for_a_deep_document(path: str) -> None:
    result = parse_manifest(path, "key: " + "[" * 200 + "]" * 200 + "\n", FakeContext())
    assert [d.message for d in result.diagnostics if _DEEP_MESSAGE.search(d.message)], result.diagnostics


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(codecs.BOM_UTF8 + b"module x\n", "module x\n", id="utf-8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + "module x\n".encode("utf-16-le"), "module x\n", id="utf-16-le"),
        pytest.param(codecs.BOM_UTF16_BE + "module x\n".encode("utf-16-be"), "module x\n", id="utf-16-be"),
        pytest.param(codecs.BOM_UTF32_LE + "module x\n".encode("utf-32-le"), "module x\n", id="utf-32-le"),
        pytest.param(codecs.BOM_UTF32_BE + "module x\n".encode("utf-32-be"), "module x\n", id="utf-32-be"),
        pytest.param(b"a\xffb", "a\ufffdb", id="invalid-utf-8-replaced"),
        pytest.param(b"\x7fELF\0\0\0", None, id="binary"),
    ],
)
def test_decode(data: bytes, expected: str | None) -> None:
    assert decode(data) == expected


_LFS = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 1234\n"


def test_lfs_pointer_is_recognised() -> None:
    assert is_lfs_pointer(_LFS)
    assert not is_lfs_pointer('{"name": "x"}')


class _Tree:
    """A tree of in-memory files, read with a cap as the real ones are."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def read(self, path: str, limit: int) -> bytes | None:
        data = self.files.get(path)
        return None if data is None else data[:limit]


def _read(files: dict[str, bytes], limit: int = 1 << 20) -> dict[str, list[str]]:
    entries = tuple(FileEntry(p, len(d), None, Role.SOURCE, ".") for p, d in sorted(files.items()))
    inventory = Inventory(root=".", files=entries, components=())
    read = read_all(_Tree(files), inventory, limit)  # type: ignore[arg-type]
    found: dict[str, list[str]] = {p: [] for p in files}
    for entry, result in read.results:
        found[entry.path] += [f"{d.name}@{d.version}" for d in result.dependencies]
    for diagnostic in read.diagnostics:
        found[diagnostic.path].append(diagnostic.message)
    return found


def test_bom_and_utf16_manifests_parse_as_written() -> None:
    go_mod = "module example.com/x\n\ngo 1.22\n\nrequire github.com/a/b v1.2.3\n"
    pyproject = '[project]\nname = "x"\ndependencies = ["requests>=2"]\n'
    found = _read(
        {
            "go.mod": codecs.BOM_UTF8 + go_mod.encode(),
            "pyproject.toml": codecs.BOM_UTF8 + pyproject.encode(),
            "svc/package.json": codecs.BOM_UTF16_LE + '{"dependencies": {"left-pad": "1"}}'.encode("utf-16-le"),
        }
    )
    assert found == {
        "go.mod": ["github.com/a/b@v1.2.3"],
        "pyproject.toml": ["requests@>=2"],
        "svc/package.json": ["left-pad@1"],
    }


def test_lfs_pointers_are_reported_not_parsed() -> None:
    found = _read({"Cargo.toml": _LFS.encode(), "package.json": _LFS.encode()})
    message = "Git LFS pointer, content not in the repository; its dependencies are not counted"
    assert found == {"Cargo.toml": [message], "package.json": [message]}


def test_a_file_cut_at_the_read_cap_says_truncated() -> None:
    lock = '{"packages": {' + ", ".join(f'"p{i}": {{"version": "1"}}' for i in range(200)) + "}}"
    lines = "".join(f"pkg{i}==1.0\n" for i in range(200))
    found = _read({"composer.json": lock.encode(), "requirements.txt": lines.encode()}, limit=1000)
    (broken,) = found["composer.json"]
    assert "truncated at 1000 bytes" in broken
    assert "invalid" not in broken.split(";")[0]
    assert found["requirements.txt"][-1].endswith("truncated at 1000 bytes; only what was read is counted")
    assert found["requirements.txt"][0] == "pkg0@==1.0"


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        pytest.param(
            "Cargo.toml", "[package]\nversion = " + "9" * 5000 + "\n", "a number is too long", id="toml-digits"
        ),
        pytest.param("package.json", '{"version": ' + "9" * 5000 + "}", "a number is too long", id="json-digits"),
        pytest.param("Cargo.toml", "x = " + "[" * 100_000, "nested too deeply", id="toml-deep"),
        pytest.param("composer.json", "[" * 100_000 + "]" * 100_000, "nested too deeply", id="json-deep"),
    ],
)
def test_parser_internals_do_not_surface(path: str, text: str, expected: str) -> None:
    (diagnostic,) = parse_manifest(path, text, FakeContext()).diagnostics
    assert expected in diagnostic.message
    assert not re.search(r"ValueError|RecursionError|Exceeds the limit", diagnostic.message)


def test_every_registered_parser_is_reachable_by_its_example_path() -> None:
    assert len(registered()) > 80
    assert all(Path(p).name for p, _ in registered())
