"""CI definitions: GitHub Actions workflows and actions, GitLab CI and Jenkinsfiles (read, never run).

What a pipeline pulls in is recorded with build scope: actions (ecosystem ``github-actions``, name
``owner/repo``, the ref as version), job and service containers (``docker``), GitLab includes
(``gitlab-ci``), and in a Jenkinsfile the agent images and the tools that start its ``sh`` steps
(``ci-tool``: terraform, helm, kubectl, ...). A repository's own root ``action.yml`` names how the action
runs (``runs:node20``, ``runs:docker``, ``runs:composite``): it is what the repository *is*, not what its
CI uses. Nearly every repository has CI, so these records are neutral facts; only rules on specific
actions and tools turn them into markers. Expressions (``${{ matrix.image }}``, ``$IMAGE``) name nothing.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Iterator

import yaml

from analyzer.errors import ManifestError
from analyzer.manifests import ParseContext
from analyzer.manifests._read import yamldoc
from analyzer.manifests._read.images import image_reference
from analyzer.model import Dependency, ManifestResult, Scope

_USES = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)/([A-Za-z0-9_.-]+)(?:/[^@]*)?@([^\s@]+)$")
_GITLAB_RESERVED = frozenset(
    {
        "default",
        "include",
        "stages",
        "variables",
        "workflow",
        "spec",
        "before_script",
        "after_script",
        "cache",
        "services",
        "image",
    }
)
_CI_TOOLS = frozenset(
    {"terraform", "tofu", "helm", "kubectl", "ansible-playbook", "docker", "goreleaser", "cargo", "go"}
)
_SH_STEP = re.compile(
    r"""\bsh\s*(?:\(\s*)?(?:(?:label|returnStdout|returnStatus)\s*:\s*[^,]{0,200},\s*)*"""
    r"""(?:script\s*:\s*)?('''|\"\"\"|'|")"""
)
_AGENT_IMAGE = re.compile(
    r"""\bdocker\s*\{[^{}]{0,500}?\bimage\s+['"]([^'"\n]{1,200})['"]|"""
    r"""\bdocker\s+['"]([^'"\n]{1,200})['"]|\bdocker\.image\(\s*['"]([^'"\n]{1,200})['"]"""
)
_SHELL_PREFIX = re.compile(r"^(?:(?:sudo|exec|time|env)\s+|[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*")


def _image(reference: str | None, path: str, line: int) -> list[Dependency]:
    found = image_reference(reference) if reference and "$" not in reference else None
    return (
        [
            Dependency(
                ecosystem="docker",
                name=found[0],
                version=found[1],
                scope=Scope.BUILD,
                direct=True,
                path=path,
                line=line,
            )
        ]
        if found
        else []
    )


def _container(node: yaml.Node | None, path: str) -> list[Dependency]:
    """The image of a ``container:``/``image:``/service value: a string or a mapping with image or name."""
    if node is None:
        return []
    if isinstance(node, yaml.ScalarNode):
        return _image(yamldoc.text(node), path, yamldoc.line(node))
    value = yamldoc.get(node, "image") or yamldoc.get(node, "name")
    return _image(yamldoc.text(value), path, yamldoc.line(value)) if value is not None else []


def _uses(node: yaml.Node | None, path: str) -> list[Dependency]:
    """``uses: owner/repo[/path]@ref`` as ``owner/repo``; ``docker://image`` as an image; local paths skipped."""
    written = yamldoc.text(node)
    if node is None or not written:
        return []
    if written.startswith("docker://"):
        return _image(written[len("docker://") :], path, yamldoc.line(node))
    match = _USES.match(written.strip())
    if match is None:
        return []
    return [
        Dependency(
            ecosystem="github-actions",
            name=f"{match.group(1)}/{match.group(2)}",
            version=match.group(3),
            scope=Scope.BUILD,
            direct=True,
            path=path,
            line=yamldoc.line(node),
        )
    ]


def _first_of_each(deps: list[Dependency]) -> tuple[Dependency, ...]:
    """One dependency per (ecosystem, name), the first in the file: the tenth checkout says nothing new."""
    first: dict[tuple[str, str], Dependency] = {}
    for dep in sorted(deps, key=lambda d: d.line):
        first.setdefault((dep.ecosystem, dep.name), dep)
    return tuple(first.values())


def _steps(job: yaml.Node, path: str) -> list[Dependency]:
    deps = _uses(yamldoc.get(job, "uses"), path)  # a reusable workflow called as a whole job
    deps += _container(yamldoc.get(job, "container"), path)
    for _, _, service in yamldoc.pairs(yamldoc.get(job, "services")):
        deps += _container(service, path)
    for step in yamldoc.list_at(job, "steps"):
        deps += _uses(yamldoc.get(step, "uses"), path)
    return deps


def parse_github_workflow(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Actions, reusable workflows, job containers and service images of a GitHub Actions workflow."""
    root = yamldoc.compose(text, posixpath.basename(path))
    if root is None:
        return ManifestResult()
    if not isinstance(root, yaml.MappingNode):
        raise ManifestError("top level is not a mapping: not a GitHub Actions workflow")
    jobs = yamldoc.get(root, "jobs")
    if jobs is not None and not isinstance(jobs, yaml.MappingNode):
        raise ManifestError(f"line {yamldoc.line(jobs)}: 'jobs' is not a mapping of job ids")
    deps: list[Dependency] = []
    for job_id, _, job in yamldoc.pairs(jobs):
        if not isinstance(job, yaml.MappingNode):
            raise ManifestError(f"line {yamldoc.line(job)}: job {job_id!r} is not a mapping")
        deps += _steps(job, path)
    return ManifestResult(dependencies=_first_of_each(deps))


def parse_github_action(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """How an action runs (root ``action.yml`` only), and what a composite or Docker action uses."""
    root = yamldoc.compose(text, posixpath.basename(path))
    runs = yamldoc.get(root, "runs") if isinstance(root, yaml.MappingNode) else None
    if runs is None:
        return ManifestResult()  # an action.yml of some other tool
    if not isinstance(runs, yaml.MappingNode):
        raise ManifestError(f"line {yamldoc.line(runs)}: 'runs' is not a mapping")
    using = yamldoc.get(runs, "using")
    deps: list[Dependency] = []
    if "/" not in path and using is not None and yamldoc.text(using):
        deps.append(
            Dependency(
                ecosystem="github-actions",
                name=f"runs:{yamldoc.text(using)}",
                version="",
                scope=Scope.BUILD,
                direct=True,
                path=path,
                line=yamldoc.line(using),
            )
        )
    image = yamldoc.get(runs, "image")
    if image is not None and (yamldoc.text(image) or "").startswith("docker://"):
        deps += _uses(image, path)
    for step in yamldoc.list_at(runs, "steps"):
        deps += _uses(yamldoc.get(step, "uses"), path)
    return ManifestResult(dependencies=tuple(sorted(deps, key=lambda d: d.line)))


# --- GitLab CI ---------------------------------------------------------------------------------------------


def _include(entry: yaml.Node, path: str) -> Iterator[Dependency]:
    """One ``include:`` entry: a project file, a remote URL, a template or a component (local files skipped)."""
    written = yamldoc.text(entry)
    line = yamldoc.line(entry)
    if written is not None:
        if written.startswith(("http://", "https://")):
            yield Dependency(
                ecosystem="gitlab-ci", name=written, version="", scope=Scope.BUILD, direct=True, path=path, line=line
            )
        return
    project, ref = yamldoc.text(yamldoc.get(entry, "project")), yamldoc.text(yamldoc.get(entry, "ref")) or ""
    remote, template = yamldoc.text(yamldoc.get(entry, "remote")), yamldoc.text(yamldoc.get(entry, "template"))
    component = yamldoc.text(yamldoc.get(entry, "component"))
    if project:
        yield Dependency(
            ecosystem="gitlab-ci", name=project, version=ref, scope=Scope.BUILD, direct=True, path=path, line=line
        )
    elif remote:
        yield Dependency(
            ecosystem="gitlab-ci", name=remote, version="", scope=Scope.BUILD, direct=True, path=path, line=line
        )
    elif template:
        yield Dependency(
            ecosystem="gitlab-ci",
            name=f"template:{template}",
            version="",
            scope=Scope.BUILD,
            direct=True,
            path=path,
            line=line,
        )
    elif component:
        name, _, version = component.partition("@")
        yield Dependency(
            ecosystem="gitlab-ci", name=name, version=version, scope=Scope.BUILD, direct=True, path=path, line=line
        )


def _gitlab_images(unit: yaml.Node | None, path: str) -> list[Dependency]:
    deps = _container(yamldoc.get(unit, "image"), path)
    for service in yamldoc.list_at(unit, "services"):
        deps += _container(service, path)
    return deps


def parse_gitlab_ci(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Images and services (global, default and per job) and includes of a ``.gitlab-ci.yml``."""
    root = yamldoc.compose(text, posixpath.basename(path))
    if root is None:
        return ManifestResult()
    if not isinstance(root, yaml.MappingNode):
        raise ManifestError("top level is not a mapping: not a GitLab CI file")
    deps = _gitlab_images(root, path) + _gitlab_images(yamldoc.get(root, "default"), path)
    include = yamldoc.get(root, "include")
    for entry in yamldoc.items(include) if isinstance(include, yaml.SequenceNode) else [include] if include else []:
        deps += _include(entry, path)
    for name, _, job in yamldoc.pairs(root):
        if name not in _GITLAB_RESERVED and isinstance(job, yaml.MappingNode):
            deps += _gitlab_images(job, path)
    return ManifestResult(dependencies=_first_of_each(deps))


# --- Jenkinsfile -------------------------------------------------------------------------------------------


def _blank_comments(text: str) -> str:
    """The Groovy text with comments replaced by spaces (newlines kept, so line numbers stay right)."""
    out: list[str] = []
    index, quote, opened = 0, "", 0
    while index < len(text):
        if quote and len(quote) == 1 and text[index] == "\n":
            break  # a one-quote Groovy string ends on its line
        if quote:
            if text.startswith(quote, index):
                out.append(quote)
                index += len(quote)
                quote = ""
                continue
            step = 2 if text[index] == "\\" else 1
            out.append(text[index : index + step])
            index += step
        elif text.startswith(("'''", '"""'), index) or text[index] in "'\"":
            quote = text[index : index + 3] if text.startswith(("'''", '"""'), index) else text[index]
            opened = index
            out.append(quote)
            index += len(quote)
        elif text.startswith(("//", "/*"), index):
            end = text.find("\n", index) if text[index + 1] == "/" else text.find("*/", index + 2)
            if end < 0 and text[index + 1] == "*":
                raise ManifestError(f"line {text.count(chr(10), 0, index) + 1}: comment '/*' is never closed")
            end = len(text) if end < 0 else end + (2 if text[index + 1] == "*" else 0)
            out.append(re.sub(r"[^\n]", " ", text[index:end]))
            index = end
        else:
            out.append(text[index])
            index += 1
    if quote:
        line = text.count("\n", 0, opened) + 1
        raise ManifestError(f"line {line}: string opened with {quote} is never closed")
    return "".join(out)


def _first_tool(script: str) -> str | None:
    """The tool a shell script starts with, when it is one of ``_CI_TOOLS``."""
    first = next((line.strip() for line in script.splitlines() if line.strip()), "")
    first = _SHELL_PREFIX.sub("", first[:300])
    word = first.split(maxsplit=1)[0].rsplit("/", 1)[-1] if first else ""
    return word if word in _CI_TOOLS else None


def parse_jenkinsfile(path: str, text: str, ctx: ParseContext) -> ManifestResult:
    """Agent images and the CI tools that start ``sh`` steps of a declarative or scripted Jenkinsfile."""
    code = _blank_comments(text)
    newlines = [index for index, char in enumerate(code) if char == "\n"]
    found: dict[tuple[str, str], Dependency] = {}
    for match in _AGENT_IMAGE.finditer(code):
        line = bisect.bisect_left(newlines, match.start(match.lastindex or 0)) + 1
        for dep in _image(match.group(1) or match.group(2) or match.group(3), path, line):
            found.setdefault((dep.ecosystem, dep.name), dep)
    for match in _SH_STEP.finditer(code):
        quote = match.group(1)
        end = code.find(quote, match.end())
        tool = _first_tool(code[match.end() : end if end >= 0 else len(code)])
        if tool is not None:
            line = bisect.bisect_left(newlines, match.start()) + 1
            found.setdefault(
                ("ci-tool", tool),
                Dependency(
                    ecosystem="ci-tool", name=tool, version="", scope=Scope.BUILD, direct=True, path=path, line=line
                ),
            )
    return ManifestResult(dependencies=tuple(sorted(found.values(), key=lambda d: d.line)))
