"""The manifests stage. In: a ``Tree`` and its ``Inventory``. Out: one ``ManifestResult`` per counted manifest
file (``Dependency`` records of its ecosystem, plus diagnostics for files that fail to parse) and the manifests'
texts, which the facts stage matches without reading them again. ``read_all`` is the stage's entry point; the
registry here picks a parser for a file, and ``parse_manifest`` is the error boundary around it.

Adding a format is one module here plus one line in ``_REGISTRY``. A parser is a pure function
``parse(path, text, ctx) -> ManifestResult``; it raises ``ManifestError`` (or anything else) on input it
cannot read, and ``parse_manifest`` turns that into a diagnostic naming the file, so the run goes on.
"""

from __future__ import annotations

import functools
import importlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from analyzer.errors import ManifestError
from analyzer.inventory.globs import GlobSet
from analyzer.manifests._read.decode import decode, is_lfs_pointer
from analyzer.model import Diagnostic, FileEntry, Inventory, ManifestResult, Severity

if TYPE_CHECKING:
    from analyzer.target.worktree import Tree


class ParseContext(Protocol):
    """What a parser may ask of the tree besides its own text (e.g. ``-r other.txt`` includes)."""

    def read_text(self, path: str) -> str | None:
        """Text of another file, by path relative to the root; None if missing, binary or outside the root."""
        ...


Parser = Callable[[str, str, ParseContext], ManifestResult]


@dataclass(frozen=True)
class _Entry:
    pattern: str
    """fnmatch pattern on the base name, or on the path when it contains a slash."""
    target: str
    """module:function under analyzer.manifests."""


_REGISTRY: tuple[_Entry, ...] = (
    # Python
    _Entry("requirements*.txt", "python:parse_requirements"),
    _Entry("*requirements.txt", "python:parse_requirements"),
    _Entry("requirements/*.txt", "python:parse_requirements"),
    _Entry("pyproject.toml", "python:parse_pyproject"),
    _Entry("setup.cfg", "python:parse_setup_cfg"),
    _Entry("Pipfile", "python:parse_pipfile"),
    _Entry("poetry.lock", "python:parse_poetry_lock"),
    _Entry("uv.lock", "python:parse_uv_lock"),
    # JavaScript / TypeScript
    _Entry("package.json", "javascript:parse_package_json"),
    _Entry("package-lock.json", "javascript:parse_package_lock"),
    _Entry("npm-shrinkwrap.json", "javascript:parse_package_lock"),
    _Entry("yarn.lock", "javascript:parse_yarn_lock"),
    _Entry("pnpm-lock.yaml", "javascript:parse_pnpm_lock"),
    # Go
    _Entry("go.mod", "go:parse_go_mod"),
    _Entry("go.work", "go:parse_go_work"),
    # Rust
    _Entry("Cargo.toml", "rust:parse_cargo_toml"),
    _Entry("Cargo.lock", "rust:parse_cargo_lock"),
    _Entry(".cargo/config.toml", "rust:parse_cargo_config"),
    _Entry(".cargo/config", "rust:parse_cargo_config"),
    # JVM
    _Entry("pom.xml", "jvm:parse_pom"),
    _Entry("build.gradle", "jvm:parse_gradle"),
    _Entry("build.gradle.kts", "jvm:parse_gradle"),
    # C / C++
    _Entry("CMakeLists.txt", "cpp:parse_cmake"),
    _Entry("conanfile.txt", "cpp:parse_conanfile"),
    _Entry("vcpkg.json", "cpp:parse_vcpkg"),
    _Entry("platformio.ini", "cpp:parse_platformio"),
    # Ruby
    _Entry("Gemfile", "ruby:parse_gemfile"),
    _Entry("Gemfile.lock", "ruby:parse_gemfile_lock"),
    _Entry("*.gemspec", "ruby:parse_gemspec"),
    # PHP
    _Entry("composer.json", "php:parse_composer_json"),
    _Entry("composer.lock", "php:parse_composer_lock"),
    # .NET
    _Entry("*.csproj", "dotnet:parse_project"),
    _Entry("*.fsproj", "dotnet:parse_project"),
    _Entry("*.vbproj", "dotnet:parse_project"),
    _Entry("packages.config", "dotnet:parse_packages_config"),
    # Containers
    _Entry("Dockerfile", "containers:parse_dockerfile"),
    _Entry("Dockerfile.*", "containers:parse_dockerfile"),
    _Entry("*.Dockerfile", "containers:parse_dockerfile"),
    _Entry("*.dockerfile", "containers:parse_dockerfile"),
    _Entry("Containerfile", "containers:parse_dockerfile"),
    _Entry("docker-compose*.yml", "containers:parse_compose"),
    _Entry("docker-compose*.yaml", "containers:parse_compose"),
    _Entry("compose*.yml", "containers:parse_compose"),
    _Entry("compose*.yaml", "containers:parse_compose"),
    # -- Swift/ObjC, Dart, Elixir/Erlang, Haskell, Scala/Kotlin, .NET extras (add lines below) --
    _Entry("Package.swift", "swift:parse_package_swift"),
    _Entry("Package@swift-*.swift", "swift:parse_package_swift"),
    _Entry("Package.resolved", "swift:parse_package_resolved"),
    _Entry("Podfile", "swift:parse_podfile"),
    _Entry("Podfile.lock", "swift:parse_podfile_lock"),
    _Entry("pubspec.yaml", "dart:parse_pubspec"),
    _Entry("pubspec.lock", "dart:parse_pubspec_lock"),
    _Entry("mix.exs", "beam:parse_mix_exs"),
    _Entry("mix.lock", "beam:parse_mix_lock"),
    _Entry("rebar.config", "beam:parse_rebar_config"),
    _Entry("*.cabal", "haskell:parse_cabal"),
    _Entry("stack.yaml", "haskell:parse_stack_yaml"),
    _Entry("build.sbt", "scala:parse_sbt"),
    _Entry("plugins.sbt", "scala:parse_sbt"),
    _Entry("gradle/*.versions.toml", "gradle_data:parse_version_catalog"),
    _Entry("gradle.lockfile", "gradle_data:parse_gradle_lockfile"),
    _Entry("buildscript-gradle.lockfile", "gradle_data:parse_gradle_lockfile"),
    _Entry("settings-gradle.lockfile", "gradle_data:parse_gradle_lockfile"),
    _Entry("Directory.Packages.props", "dotnet:parse_directory_packages_props"),
    _Entry("packages.lock.json", "dotnet:parse_packages_lock_json"),
    # -- JavaScript, Python, C/C++ extras and Zig (add lines below) --
    _Entry("Pipfile.lock", "python_locks:parse_pipfile_lock"),
    _Entry("pdm.lock", "python_locks:parse_pdm_lock"),
    _Entry("pylock.toml", "python_locks:parse_pylock"),
    _Entry("pylock.*.toml", "python_locks:parse_pylock"),
    _Entry("environment.yml", "python_locks:parse_conda_environment"),
    _Entry("environment.yaml", "python_locks:parse_conda_environment"),
    _Entry("setup.py", "python_locks:parse_setup_py"),
    _Entry("bun.lock", "bun_deno:parse_bun_lock"),
    _Entry("deno.json", "bun_deno:parse_deno_json"),
    _Entry("deno.jsonc", "bun_deno:parse_deno_json"),
    _Entry("deno.lock", "bun_deno:parse_deno_lock"),
    _Entry("pnpm-workspace.yaml", "bun_deno:parse_pnpm_workspace"),
    _Entry("conan.lock", "native_builds:parse_conan_lock"),
    _Entry("meson.build", "native_builds:parse_meson"),
    _Entry("MODULE.bazel", "native_builds:parse_bazel"),
    _Entry("WORKSPACE", "native_builds:parse_bazel"),
    _Entry("WORKSPACE.bazel", "native_builds:parse_bazel"),
    _Entry("Makefile", "native_builds:parse_makefile"),
    _Entry("GNUmakefile", "native_builds:parse_makefile"),
    _Entry("*.mk", "native_builds:parse_makefile"),
    _Entry("build.zig.zon", "zig:parse_build_zig_zon"),
    # -- infrastructure: Helm, Kustomize, Terraform, Pulumi, Serverless, Ansible, CI files (add lines below) --
    _Entry("Chart.yaml", "helm:parse_chart_yaml"),
    _Entry("values.yaml", "helm:parse_values_yaml"),
    _Entry("kustomization.yaml", "helm:parse_kustomization"),
    _Entry("kustomization.yml", "helm:parse_kustomization"),
    _Entry("*.tf", "terraform:parse_tf"),
    _Entry("terragrunt.hcl", "terraform:parse_tf"),
    _Entry(".terraform.lock.hcl", "terraform:parse_terraform_lock"),
    _Entry("Pulumi.yaml", "cloud_deploy:parse_pulumi"),
    _Entry("Pulumi.yml", "cloud_deploy:parse_pulumi"),
    _Entry("serverless.yml", "cloud_deploy:parse_serverless"),
    _Entry("serverless.yaml", "cloud_deploy:parse_serverless"),
    _Entry(".github/workflows/*.yml", "ci:parse_github_workflow"),
    _Entry(".github/workflows/*.yaml", "ci:parse_github_workflow"),
    _Entry("action.yml", "ci:parse_github_action"),
    _Entry("action.yaml", "ci:parse_github_action"),
    _Entry(".gitlab-ci.yml", "ci:parse_gitlab_ci"),
    _Entry("Jenkinsfile", "ci:parse_jenkinsfile"),
    _Entry("Jenkinsfile.*", "ci:parse_jenkinsfile"),
    _Entry("requirements.yml", "cloud_deploy:parse_galaxy_requirements"),
    _Entry("requirements.yaml", "cloud_deploy:parse_galaxy_requirements"),
    _Entry("roles/*/meta/main.yml", "cloud_deploy:parse_role_meta"),
    _Entry("roles/*/meta/main.yaml", "cloud_deploy:parse_role_meta"),
    _Entry("roles/*/tasks/*.yml", "cloud_deploy:parse_ansible_tasks"),
    _Entry("roles/*/tasks/*.yaml", "cloud_deploy:parse_ansible_tasks"),
    _Entry("roles/*/handlers/*.yml", "cloud_deploy:parse_ansible_tasks"),
    _Entry("roles/*/handlers/*.yaml", "cloud_deploy:parse_ansible_tasks"),
    _Entry("playbooks/*.yml", "cloud_deploy:parse_ansible_tasks"),
    _Entry("playbooks/*.yaml", "cloud_deploy:parse_ansible_tasks"),
    _Entry("site.yml", "cloud_deploy:parse_ansible_tasks"),
    _Entry("site.yaml", "cloud_deploy:parse_ansible_tasks"),
    _Entry("*playbook*.yml", "cloud_deploy:parse_ansible_tasks"),
    _Entry("*playbook*.yaml", "cloud_deploy:parse_ansible_tasks"),
    # -- embedded, game engines, blockchain, WASM (add lines below) --
    _Entry("sdkconfig", "embedded:parse_sdkconfig"),
    _Entry("sdkconfig.defaults", "embedded:parse_sdkconfig"),
    _Entry("sdkconfig.defaults.*", "embedded:parse_sdkconfig"),
    _Entry("idf_component.yml", "embedded:parse_idf_component"),
    _Entry("west.yml", "embedded:parse_west"),
    _Entry("prj.conf", "embedded:parse_prj_conf"),
    _Entry("*.dts", "embedded:parse_devicetree"),
    _Entry("*.dtsi", "embedded:parse_devicetree"),
    _Entry("library.properties", "embedded:parse_library_properties"),
    _Entry("*.ioc", "embedded:parse_stm32_ioc"),
    _Entry("Embed.toml", "embedded:parse_embed_toml"),
    _Entry("memory.x", "embedded:parse_memory_x"),
    _Entry("ProjectSettings/ProjectVersion.txt", "game_engines:parse_unity_version"),
    _Entry("Packages/manifest.json", "game_engines:parse_unity_manifest"),
    _Entry("project.godot", "game_engines:parse_godot_project"),
    _Entry("*.uproject", "game_engines:parse_unreal"),
    _Entry("*.uplugin", "game_engines:parse_unreal"),
    _Entry("foundry.toml", "smart_contracts:parse_foundry"),
    _Entry("Anchor.toml", "smart_contracts:parse_anchor"),
    _Entry("Move.toml", "smart_contracts:parse_move"),
    _Entry("hardhat.config.js", "smart_contracts:parse_js_chain_config"),
    _Entry("hardhat.config.ts", "smart_contracts:parse_js_chain_config"),
    _Entry("hardhat.config.cjs", "smart_contracts:parse_js_chain_config"),
    _Entry("hardhat.config.mjs", "smart_contracts:parse_js_chain_config"),
    _Entry("truffle-config.js", "smart_contracts:parse_js_chain_config"),
    _Entry("truffle.js", "smart_contracts:parse_js_chain_config"),
    _Entry("Trunk.toml", "webassembly:parse_trunk"),
    _Entry("asconfig.json", "webassembly:parse_asconfig"),
    _Entry("*.wit", "webassembly:parse_wit"),
    _Entry("*.proto", "proto:parse_proto"),
)


_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".template", ".tpl", ".in", ".example", ".sample")
"""A manifest-looking template (Dockerfile.j2, requirements.txt.in) is not a manifest: it would not parse."""


@functools.cache
def _exact_names() -> dict[str, int]:
    """Base name → index of the first registry entry that names it exactly (the common case, one dict look-up)."""
    names: dict[str, int] = {}
    for index, entry in enumerate(_REGISTRY):
        if "/" not in entry.pattern and not any(ch in entry.pattern for ch in "*?["):
            names.setdefault(entry.pattern, index)
    return names


@functools.cache
def _glob_entries() -> tuple[tuple[int, _Entry], ...]:
    return tuple((i, e) for i, e in enumerate(_REGISTRY) if "/" in e.pattern or any(ch in e.pattern for ch in "*?["))


@functools.cache
def _glob_sets() -> tuple[tuple[GlobSet, tuple[int, ...]], ...]:
    """The glob entries compiled once, each set with the registry index of each of its globs: base-name globs,
    and globs with a slash, which match the whole path or any tail of it after a slash."""
    names: list[tuple[str, int]] = []
    paths: list[tuple[str, int]] = []
    for index, entry in _glob_entries():
        if "/" in entry.pattern:
            paths += [(entry.pattern, index), ("*/" + entry.pattern, index)]
        else:
            names.append((entry.pattern, index))
    return tuple((GlobSet([g for g, _ in pairs]), tuple(i for _, i in pairs)) for pairs in (names, paths))


def _entry_for(path: str) -> _Entry | None:
    """The first registry entry matching the path, in registry order."""
    if path.endswith(_TEMPLATE_SUFFIXES):
        return None
    base = posixpath.basename(path)
    found = [_exact_names().get(base)]
    for (globs, owners), subject in zip(_glob_sets(), (base, path), strict=True):
        first = globs.first(subject)
        found.append(None if first is None else owners[first])
    best = min((index for index in found if index is not None), default=None)
    return None if best is None else _REGISTRY[best]


def parser_for(path: str) -> Parser | None:
    """The parser for a repo-relative path, or None when the file is not a known manifest."""
    entry = _entry_for(path)
    if entry is None:
        return None
    module_name, func_name = entry.target.split(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    parser: Parser = getattr(module, func_name)
    return parser


def registered() -> tuple[tuple[str, str], ...]:
    """(example path, ``module:function``) of every registered parser, once each, in registry order.

    The example is a path the registry sends to that parser (each pattern's wildcards filled in); tests
    use it to drive every parser through ``parse_manifest``.
    """
    found: dict[str, str] = {}
    for entry in _REGISTRY:
        example = entry.pattern.replace("*", "x").replace("?", "x")
        chosen = _entry_for(example)
        if chosen is not None and chosen.target not in found:
            found[chosen.target] = example
    return tuple((path, target) for target, path in found.items())


def is_manifest(path: str) -> bool:
    """Whether a parser exists for this path."""
    return _entry_for(path) is not None


_MAX_MEMBERS = 256
"""Workspace member globs kept per manifest: every glob is matched against every component."""


def _failure(exc: Exception) -> str:
    """A parser's exception as words for the user (the parser's own message for a ManifestError)."""
    if isinstance(exc, ManifestError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to read"
    if isinstance(exc, ValueError) and "digits" in str(exc):
        return "a number in it is too long to read"
    # A parser bug on hostile input must not end the run (DESIGN §8), nor show a Python traceback's words.
    return f"the parser failed on this input ({type(exc).__name__}); please report it"


def _bounded(path: str, result: ManifestResult) -> ManifestResult:
    members = tuple(dict.fromkeys(result.workspace_members))
    if len(members) <= _MAX_MEMBERS:
        return result if len(members) == len(result.workspace_members) else replace(result, workspace_members=members)
    note = Diagnostic(
        path=path,
        message=f"{len(members)} workspace member globs; only the first {_MAX_MEMBERS} are used",
        stage="manifests",
    )
    return replace(result, workspace_members=members[:_MAX_MEMBERS], diagnostics=(*result.diagnostics, note))


def parse_manifest(path: str, text: str, ctx: ParseContext, *, truncated_at: int = 0) -> ManifestResult:
    """Parse one manifest; any failure becomes a diagnostic naming the file and the problem.

    ``truncated_at`` is the read cap when the file was cut there: a parse that fails then says so, and one
    that succeeds carries a warning that the rest of the file was not read.
    """
    parser = parser_for(path)
    if parser is None:
        return ManifestResult()
    name = posixpath.basename(path)
    cut = f"{name} is larger than the read cap and was truncated at {truncated_at} bytes"
    try:
        result = _bounded(path, parser(path, text, ctx))
    except Exception as exc:  # the error boundary: every parser failure is a diagnostic (DESIGN §8)
        message = f"could not parse {name}: {_failure(exc)}; its dependencies are not counted"
        if truncated_at:
            message = f"{cut}; the truncated text does not parse ({_failure(exc)}); its dependencies are not counted"
        diagnostic = Diagnostic(path=path, message=message, severity=Severity.ERROR, stage="manifests")
        return ManifestResult(diagnostics=(diagnostic,))
    if truncated_at:
        note = Diagnostic(path=path, message=f"{cut}; only what was read is counted", stage="manifests")
        result = replace(result, diagnostics=(*result.diagnostics, note))
    return result


class _TreeContext:
    """ParseContext over a tree, for manifests that include other files."""

    def __init__(self, tree: Tree, limit: int) -> None:
        self._tree = tree
        self._limit = limit

    def read_bytes(self, path: str) -> bytes | None:
        return self._tree.read(path, self._limit)

    def read_text(self, path: str) -> str | None:
        data = self.read_bytes(path)
        text = None if data is None else decode(data)
        return None if text is None or is_lfs_pointer(text) else text


@dataclass(frozen=True, kw_only=True)
class Manifests:
    """What the manifests stage read from one tree."""

    results: tuple[tuple[FileEntry, ManifestResult], ...]
    """Each counted manifest file with what its parser found."""
    texts: dict[str, str]
    """Path → text of every manifest read (the facts stage matches these without reading them again)."""
    diagnostics: tuple[Diagnostic, ...]
    """Files that could not be read, and every parser's diagnostics."""


def entry_warning(path: str, message: str) -> Diagnostic:
    """A problem that costs one entry of a manifest, not the file: the parser goes on and the rest counts."""
    return Diagnostic(path=path, message=message, severity=Severity.WARNING, stage="manifests")


def _skipped(path: str, message: str) -> Diagnostic:
    return Diagnostic(path=path, message=message, stage="manifests")


def read_all(tree: Tree, inventory: Inventory, limit: int) -> Manifests:
    """Parse every counted manifest of the inventory, reading at most ``limit`` bytes of each file."""
    ctx = _TreeContext(tree, limit)
    results: list[tuple[FileEntry, ManifestResult]] = []
    texts: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    for entry in inventory.files:
        if not entry.role.counts or not is_manifest(entry.path):
            continue
        data = ctx.read_bytes(entry.path)
        text = None if data is None else decode(data)
        if data is None or text is None:
            diagnostics.append(_skipped(entry.path, "manifest could not be read or is binary; skipped"))
            continue
        if is_lfs_pointer(text):
            message = "Git LFS pointer, content not in the repository; its dependencies are not counted"
            diagnostics.append(_skipped(entry.path, message))
            continue
        truncated_at = len(data) if entry.size > len(data) else 0
        texts[entry.path] = text
        results.append((entry, parse_manifest(entry.path, text, ctx, truncated_at=truncated_at)))
    for _, result in results:
        diagnostics.extend(result.diagnostics)
    return Manifests(results=tuple(results), texts=texts, diagnostics=tuple(diagnostics))
