"""Units as the code is built: native islands, split extension roots and bundled copies (issue 10, item 1).

Manifest components are where a build file sits, but a repository is built in more pieces than it has
manifests. After the facts are known, this module finds

- **native islands**: folders of C, C++, Cython, CUDA or assembly source inside a component written in another
  language, that the component builds and links (a setup.py Extension or Cython module, a Ruby ``ext/`` with
  ``extconf.rb``, a ``binding.gyp`` addon, a cgo package, JNI C beside Java). The link is shown by a binding fact
  (an ``ffi`` rule hit) in the folder itself or in one of its ancestors inside the component; nested islands
  merge into the outermost one;
- **split roots**: a folder where Cargo.toml sits beside pyproject.toml or package.json (maturin, pyo3 or
  napi-rs) holds two units, the host package and the crate (its Rust sources, Cargo.toml, Cargo.lock, build.rs);
- **bundled copies**: a nested folder that is a project of its own (its own licence file and native build
  system, written in C/C++) is a third-party copy; its component is kept but marked, so it never carries a side
  of a split.

Only source files decide (tests, benchmarks, examples and fixtures never make a unit). Files and facts of a unit
are re-owned by it, so every later stage sees the unit as a component.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from analyzer.model import Component, Fact, FileEntry, Inventory, Location, Role, UnitKind

NATIVE_LANGUAGES = frozenset({"C", "C++", "Cython", "Cuda", "CUDA", "Assembly", "Unix Assembly", "Objective-C"})
"""Languages a native island is written in."""
MIN_ISLAND_BYTES = 1500
"""Native source an island needs to become a unit: less is glue, not a component."""
_LICENSES = ("LICENSE", "LICENCE", "COPYING")
_NATIVE_BUILDS = ("CMakeLists.txt", "configure", "configure.ac", "Makefile.in", "meson.build")
_CRATE_FILES = ("Cargo.toml", "Cargo.lock", "build.rs")
_HOSTS = {"pypi": "maturin/pyo3", "npm": "napi-rs"}
"""Ecosystems whose manifest beside Cargo.toml makes a split root, with the binding it implies."""


def _parent(path: str) -> str:
    return path.rpartition("/")[0] or "."


def _ancestors(directory: str, stop: str) -> Iterable[str]:
    """``directory`` and its ancestors down to ``stop`` (a component path), inclusive."""
    while True:
        yield directory
        if directory in (stop, "."):
            return
        directory = _parent(directory)


def _bundled(files: Sequence[FileEntry], components: Sequence[Component]) -> set[str]:
    """Nested components that are projects of their own: a licence and a native build beside C/C++ code."""
    names: dict[str, set[str]] = defaultdict(set)
    for entry in files:
        names[_parent(entry.path)].add(entry.path.rpartition("/")[2])
    native: dict[str, int] = defaultdict(int)
    for entry in files:
        if entry.role is Role.SOURCE and entry.language in NATIVE_LANGUAGES:
            native[entry.component] += entry.size
    bundled = set()
    for component in components:
        here = names.get(component.path, set())
        if component.path == "." or not native.get(component.path):
            continue
        licensed = any(name.upper().startswith(_LICENSES) for name in here)
        if licensed and any(name in here for name in _NATIVE_BUILDS):
            bundled.add(component.path)
    return bundled


def _binding_dirs(facts: Iterable[Fact], files: Mapping[str, FileEntry]) -> dict[str, Location]:
    """Folders holding a counted binding fact (an ffi rule hit) in product code, with the first such place."""
    found: dict[str, Location] = {}
    for fact in sorted(facts, key=lambda f: (f.path, f.line)):
        entry = files.get(fact.path)
        if fact.category != "ffi" or not fact.counted or entry is None or entry.role is not Role.SOURCE:
            continue
        found.setdefault(_parent(fact.path), Location(fact.path, fact.line))
    return found


def _islands(
    files: Sequence[FileEntry],
    components: Mapping[str, Component],
    bindings: Mapping[str, Location],
    programming: Callable[[str], bool],
) -> dict[str, tuple[str, Location, tuple[str, ...]]]:
    """Island folder -> (host component, binding evidence, native languages), nested islands merged."""
    native_dirs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    host_code: dict[str, int] = defaultdict(int)
    native_code: dict[str, int] = defaultdict(int)
    for entry in files:
        if entry.role is not Role.SOURCE or entry.language is None or not programming(entry.language):
            continue
        if entry.language in NATIVE_LANGUAGES:
            native_dirs[_parent(entry.path)][entry.language] += entry.size
            native_code[entry.component] += entry.size
        else:
            host_code[entry.component] += entry.size
    candidates: dict[str, tuple[str, Location, dict[str, int]]] = {}
    for directory, sizes in native_dirs.items():
        owner = _owner_of(directory, components)
        if components[owner].kind is not UnitKind.MANIFEST or host_code[owner] <= native_code[owner]:
            continue  # a bundled copy, or a native project in its own right: nothing to be an island of
        evidence = next((bindings[d] for d in _ancestors(directory, owner) if d in bindings), None)
        if evidence is not None:
            candidates[directory] = (owner, evidence, sizes)
    merged: dict[str, tuple[str, Location, dict[str, int]]] = {}
    for directory in sorted(candidates, key=lambda d: (d.count("/"), d)):
        owner, evidence, sizes = candidates[directory]
        outer = next((d for d in _ancestors(_parent(directory), owner) if d in merged and d != directory), None)
        if outer is not None and directory != owner:
            for language, size in sizes.items():
                merged[outer][2][language] = merged[outer][2].get(language, 0) + size
            continue
        merged[directory] = (owner, evidence, dict(sizes))
    return {
        d: (owner, evidence, tuple(sorted(sizes, key=lambda lang: -sizes[lang])))
        for d, (owner, evidence, sizes) in merged.items()
        if sum(sizes.values()) >= MIN_ISLAND_BYTES
    }


def _owner_of(directory: str, components: Mapping[str, Component]) -> str:
    while directory not in components:
        directory = _parent(directory)
    return directory


def _unit_path(directory: str, taken: set[str], suffix: str) -> str:
    return directory if directory not in taken else ("" if directory == "." else directory) + f"#{suffix}"


def _split_roots(files: Sequence[FileEntry], components: Sequence[Component]) -> dict[str, tuple[str, str]]:
    """Split root -> (crate unit folder, binding) for components with Cargo.toml beside a host manifest."""
    roots: dict[str, tuple[str, str]] = {}
    for component in components:
        host = next((_HOSTS[e] for e in component.ecosystems if e in _HOSTS), None)
        if host is None or "cargo" not in component.ecosystems or component.kind is not UnitKind.MANIFEST:
            continue
        rust = [
            _parent(e.path)
            for e in files
            if e.component == component.path and e.language == "Rust" and e.role is Role.SOURCE
            and e.path.rpartition("/")[2] != "build.rs"
        ]  # fmt: skip
        if not rust:
            continue
        common = posixpath.commonpath([p if p != "." else "" for p in rust]) or "."
        roots[component.path] = (common, host)
    return roots


def _reowned(entry: FileEntry, owners: Mapping[str, str], bundled: set[str]) -> FileEntry:
    if entry.component in bundled and entry.role.counts:
        return replace(entry, role=Role.VENDORED)  # a bundled copy is vendored code, whatever its folder's name
    return replace(entry, component=owners[entry.path]) if entry.path in owners else entry


def find_units(
    inventory: Inventory, facts: Sequence[Fact], programming: Callable[[str], bool]
) -> tuple[Inventory, tuple[Fact, ...]]:
    """The inventory with native islands, split crates and bundled copies as components, and facts re-owned.

    ``programming`` says whether a language is a programming language (data, markup and prose are not code).
    """
    components = {c.path: c for c in inventory.components}
    for path in _bundled(inventory.files, inventory.components):
        components[path] = replace(components[path], kind=UnitKind.BUNDLED)
    by_path = {e.path: e for e in inventory.files}
    taken = set(components)
    owner_of_file: dict[str, str] = {}
    for root, (folder, binding) in sorted(_split_roots(inventory.files, list(components.values())).items()):
        unit = _unit_path(folder, taken, "crate")
        taken.add(unit)
        cargo = "Cargo.toml" if root == "." else f"{root}/Cargo.toml"
        components[unit] = Component(
            path=unit, manifests=(cargo,), ecosystems=("cargo",), kind=UnitKind.CRATE, host=root, build=binding,
            evidence=(Location(cargo, 0),),
        )  # fmt: skip
        for entry in inventory.files:
            crate_file = _parent(entry.path) == root and entry.path.rpartition("/")[2] in _CRATE_FILES
            if entry.component == root and (entry.language == "Rust" or crate_file):
                owner_of_file[entry.path] = unit
    islands = _islands(inventory.files, components, _binding_dirs(facts, by_path), programming)
    for folder, (host, evidence, languages) in sorted(islands.items()):
        unit = _unit_path(folder, taken, "native")
        taken.add(unit)
        components[unit] = Component(
            path=unit, manifests=(), ecosystems=(), kind=UnitKind.NATIVE, host=host,
            build=f"{'/'.join(languages)} built into {host if host != '.' else 'the root package'}",
            evidence=(evidence,),
        )  # fmt: skip
        prefix = "" if folder == "." else folder + "/"
        for entry in inventory.files:
            inside = entry.path.startswith(prefix) and entry.component == host
            if inside and entry.language in NATIVE_LANGUAGES and entry.role.counts:
                owner_of_file[entry.path] = unit
    bundled = {c.path for c in components.values() if c.kind is UnitKind.BUNDLED}
    files = tuple(_reowned(e, owner_of_file, bundled) for e in inventory.files)
    moved = tuple(
        replace(f, excluded="vendored")
        if f.counted and f.component in bundled
        else replace(f, component=owner_of_file[f.path])
        if f.path in owner_of_file
        else f
        for f in facts
    )
    ordered = tuple(sorted(components.values(), key=lambda c: c.path))
    return replace(inventory, files=files, components=ordered), moved
