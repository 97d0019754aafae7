"""Cloud deployment descriptors: Pulumi projects, Serverless Framework services and Ansible content.

``Pulumi.yaml`` gives the project's runtime (ecosystem ``pulumi``, ``runtime:nodejs``) and name
(``project:<name>``); ``serverless.yml`` its provider and runtimes (ecosystem ``serverless``,
``provider:aws``, ``runtime:python3.12``) and its plugins (npm packages, build scope). Ansible is read in
three shapes: playbooks and role task files give the modules their tasks call (ecosystem ``ansible``, one
dependency per module and file, at most ``_MAX_MODULES``); a role's ``meta/main.yml`` and a
``requirements.yml`` give Galaxy roles and collections (ecosystem ``ansible-galaxy``). The registry only
sends files whose path looks like Ansible's; even so a file of another shape (a ``site.yml`` that is a
mapping, a ``requirements.yml`` without ``roles``/``collections``) gives nothing rather than an error.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

import yaml

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read import yamldoc
from analyzer.model import Dependency, ManifestResult, Scope

_MAX_MODULES = 500
_MAX_TASK_DEPTH = 16
_PULUMI_RUNTIMES = frozenset({"nodejs", "python", "go", "dotnet", "java", "yaml"})
_MODULE_NAME = re.compile(r"^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*){0,2}$")
# Task keywords of Ansible: every other key of a task names the module it runs.
_TASK_KEYWORDS = frozenset(
    {
        "name",
        "when",
        "register",
        "loop",
        "loop_control",
        "notify",
        "listen",
        "tags",
        "vars",
        "become",
        "become_user",
        "become_method",
        "become_flags",
        "become_exe",
        "ignore_errors",
        "ignore_unreachable",
        "changed_when",
        "failed_when",
        "delegate_to",
        "delegate_facts",
        "run_once",
        "environment",
        "args",
        "no_log",
        "retries",
        "until",
        "delay",
        "check_mode",
        "diff",
        "async",
        "poll",
        "any_errors_fatal",
        "collections",
        "connection",
        "debugger",
        "module_defaults",
        "throttle",
        "timeout",
        "remote_user",
        "port",
        "local_action",
        "action",
        "block",
        "rescue",
        "always",
    }
)


def _mapping_root(path: str, text: str, what: str) -> yaml.Node:
    root = yamldoc.compose(text, posixpath.basename(path))
    if not isinstance(root, yaml.MappingNode):
        raise ManifestError(f"top level is not a mapping: not a {what}")
    return root


# --- Pulumi and Serverless --------------------------------------------------------------------------------


def parse_pulumi(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """The runtime (``runtime: go`` or ``runtime: {name: go}``) and the name of a Pulumi project."""
    root = _mapping_root(path, text, "Pulumi project file")
    deps = []
    runtime = yamldoc.get(root, "runtime")
    written = yamldoc.text(runtime) or yamldoc.text(yamldoc.get(runtime, "name"))
    if runtime is None or not written:
        raise ManifestError("no 'runtime': a Pulumi project must name its language runtime")
    if written not in _PULUMI_RUNTIMES:
        raise ManifestError(f"line {yamldoc.line(runtime)}: unknown Pulumi runtime {written!r}")
    deps.append(
        Dependency(
            ecosystem="pulumi",
            name=f"runtime:{written}",
            version="",
            scope=Scope.BUILD,
            direct=True,
            path=path,
            line=yamldoc.line(runtime),
        )
    )
    name = yamldoc.get(root, "name")
    if name is not None and yamldoc.text(name):
        deps.append(
            Dependency(
                ecosystem="pulumi",
                name=f"project:{yamldoc.text(name)}",
                version="",
                scope=Scope.BUILD,
                direct=True,
                path=path,
                line=yamldoc.line(name),
            )
        )
    return ManifestResult(dependencies=tuple(sorted(deps, key=lambda d: d.line)))


def _serverless_runtimes(root: yaml.Node, provider: yaml.Node) -> Iterator[tuple[str, int]]:
    runtime = yamldoc.get(provider, "runtime")
    if yamldoc.text(runtime) and runtime is not None:
        yield str(yamldoc.text(runtime)), yamldoc.line(runtime)
    for _, _, function in yamldoc.pairs(yamldoc.get(root, "functions")):
        runtime = yamldoc.get(function, "runtime")
        if yamldoc.text(runtime) and runtime is not None:
            yield str(yamldoc.text(runtime)), yamldoc.line(runtime)


def parse_serverless(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Provider, runtimes (the provider's and each function's) and plugins of a Serverless Framework service."""
    root = _mapping_root(path, text, "Serverless Framework service")
    provider = yamldoc.get(root, "provider")
    if provider is None:
        raise ManifestError("no 'provider': a Serverless Framework service must name its cloud provider")
    cloud = yamldoc.text(provider) or yamldoc.text(yamldoc.get(provider, "name"))
    found: dict[str, Dependency] = {}
    # ``${file(...)}`` and other variables are resolved at deploy time: nothing to name here.
    if cloud and "${" not in cloud:
        found[cloud] = Dependency(
            ecosystem="serverless",
            name=f"provider:{cloud}",
            version="",
            scope=Scope.RUNTIME,
            direct=True,
            path=path,
            line=yamldoc.line(provider),
        )
    for runtime, line in _serverless_runtimes(root, provider):
        if "${" not in runtime:
            found.setdefault(
                runtime,
                Dependency(
                    ecosystem="serverless",
                    name=f"runtime:{runtime}",
                    version="",
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=line,
                ),
            )
    plugins = yamldoc.get(root, "plugins")
    listed = (
        yamldoc.list_at(plugins, "modules")
        if isinstance(plugins, yaml.MappingNode)
        else yamldoc.list_at(root, "plugins")
    )
    deps = list(found.values())
    for plugin in listed:
        name = yamldoc.text(plugin)
        if name and "${" not in name:
            deps.append(
                Dependency(
                    ecosystem="npm",
                    name=name,
                    version="",
                    scope=Scope.BUILD,
                    direct=True,
                    path=path,
                    line=yamldoc.line(plugin),
                )
            )
    return ManifestResult(dependencies=tuple(sorted(deps, key=lambda d: d.line)))


# --- Ansible ------------------------------------------------------------------------------------------------


def _task_module(task: yaml.Node) -> tuple[str, int] | None:
    """(module, line) a task runs: its one non-keyword key, or the first word of ``action``/``local_action``."""
    for key, key_node, value in yamldoc.pairs(task):
        if key in ("action", "local_action"):
            written = yamldoc.text(value) or yamldoc.text(yamldoc.get(value, "module")) or ""
            word = written.split(maxsplit=1)[0] if written.strip() else ""
            return (word, yamldoc.line(value)) if _MODULE_NAME.match(word) else None
        if key not in _TASK_KEYWORDS and not key.startswith("with_") and _MODULE_NAME.match(key):
            return key, yamldoc.line(key_node)
    return None


def _task_modules(tasks: list[yaml.Node]) -> Iterator[tuple[str, int]]:
    """Modules of a task list, descending into ``block``/``rescue``/``always`` to a bounded depth."""
    pending = [(task, 0) for task in reversed(tasks)]
    while pending:
        task, depth = pending.pop()
        if not isinstance(task, yaml.MappingNode):
            raise ManifestError(f"line {yamldoc.line(task)}: a task is not a mapping")
        nested = [yamldoc.list_at(task, key) for key in ("block", "rescue", "always")]
        if any(nested):
            if depth >= _MAX_TASK_DEPTH:
                raise ManifestError(f"line {yamldoc.line(task)}: blocks nested deeper than {_MAX_TASK_DEPTH}")
            pending.extend((inner, depth + 1) for section in reversed(nested) for inner in reversed(section))
            continue
        found = _task_module(task)
        if found is not None:
            yield found


def _play_tasks(entry: yaml.Node) -> list[yaml.Node]:
    """Tasks of one playbook entry: a play's task sections, or the entry itself in a task file."""
    if yamldoc.get(entry, "hosts") is None:
        return [entry]
    sections = ("pre_tasks", "tasks", "post_tasks", "handlers")
    return [task for key in sections for task in yamldoc.list_at(entry, key)]


def parse_ansible_tasks(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Modules called by a playbook (a list of plays) or a role's task file (a list of tasks)."""
    root = yamldoc.compose(text, posixpath.basename(path))
    if not isinstance(root, yaml.SequenceNode):
        return ManifestResult()  # named like a playbook, but not a list of plays or tasks
    found: dict[str, Dependency] = {}
    tasks = [task for entry in root.value for task in _play_tasks(entry)]
    for module, line in _task_modules(tasks):
        if len(found) >= _MAX_MODULES:
            break
        found.setdefault(
            module,
            Dependency(
                ecosystem="ansible", name=module, version="", scope=Scope.RUNTIME, direct=True, path=path, line=line
            ),
        )
    return ManifestResult(dependencies=tuple(found.values()))


def _galaxy_entry(entry: yaml.Node, keys: tuple[str, ...]) -> tuple[str, str] | None:
    """(name, version) of a requirement written as a string or as a mapping with one of ``keys``."""
    written = yamldoc.text(entry)
    if written is None:
        written = next(
            (yamldoc.text(yamldoc.get(entry, key)) for key in keys if yamldoc.text(yamldoc.get(entry, key))), None
        )
    if not written:
        if isinstance(entry, yaml.MappingNode):
            raise ManifestError(f"line {yamldoc.line(entry)}: a requirement without a {' or '.join(keys)}")
        return None
    name, _, inline = written.partition(",")  # the old ``src,version`` shorthand
    return name.strip(), yamldoc.text(yamldoc.get(entry, "version")) or inline.strip()


def _galaxy(entries: list[yaml.Node], keys: tuple[str, ...], path: str) -> list[Dependency]:
    deps = []
    for entry in entries:
        found = _galaxy_entry(entry, keys)
        if found is not None:
            deps.append(
                Dependency(
                    ecosystem="ansible-galaxy",
                    name=found[0],
                    version=found[1],
                    scope=Scope.RUNTIME,
                    direct=True,
                    path=path,
                    line=yamldoc.line(entry),
                )
            )
    return deps


def parse_galaxy_requirements(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Roles and collections of an Ansible ``requirements.yml``; nothing for a file without those keys."""
    root = yamldoc.compose(text, posixpath.basename(path))
    if not isinstance(root, yaml.MappingNode) or not (
        {"roles", "collections"} & {k for k, _, _ in yamldoc.pairs(root)}
    ):
        return ManifestResult()
    deps = _galaxy(yamldoc.list_at(root, "roles"), ("name", "src", "role"), path)
    deps += _galaxy(yamldoc.list_at(root, "collections"), ("name", "source"), path)
    return ManifestResult(dependencies=tuple(sorted(deps, key=lambda d: d.line)))


def parse_role_meta(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """The roles a role depends on (``dependencies``) and the collections it declares (``collections``)."""
    root = yamldoc.compose(text, posixpath.basename(path))
    if root is None:
        return ManifestResult()
    if not isinstance(root, yaml.MappingNode):
        raise ManifestError("top level is not a mapping: not an Ansible role's meta/main.yml")
    deps = _galaxy(yamldoc.list_at(root, "dependencies"), ("role", "name", "src"), path)
    deps += _galaxy(yamldoc.list_at(root, "collections"), ("name",), path)
    return ManifestResult(dependencies=tuple(sorted(deps, key=lambda d: d.line)))
