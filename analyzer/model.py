"""The records that flow through the pipeline (DESIGN §2), all frozen dataclasses.

target → Inventory → Dependency records → Fact → EvidenceItem → CriterionScore → Verdict → Report.
Every stage is a pure function from these records to the next ones; raw dicts exist only at the edges
(TOML in, JSON out). Paths are always POSIX paths relative to the repository root.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Role(str, enum.Enum):
    """What a file is for, following github-linguist's conventions."""

    SOURCE = "source"
    TEST = "test"
    DOCS = "docs"
    EXAMPLE = "example"
    VENDORED = "vendored"
    GENERATED = "generated"
    FIXTURE = "fixture"

    @property
    def counts(self) -> bool:
        """Whether facts found in a file of this role count toward the verdict."""
        return self in (Role.SOURCE, Role.TEST)


class Scope(str, enum.Enum):
    """When a dependency is needed."""

    RUNTIME = "runtime"
    DEV = "dev"
    TEST = "test"
    BUILD = "build"


class Severity(str, enum.Enum):
    """How bad a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Lean(str, enum.Enum):
    """The direction an evidence item pushes a criterion."""

    RUST = "rust"
    GO = "go"

    @property
    def sign(self) -> int:
        """+1 for Rust, -1 for Go: the sign convention of every lean in a report."""
        return 1 if self is Lean.RUST else -1


class VerdictLanguage(str, enum.Enum):
    """The answer of a report."""

    RUST = "rust"
    GO = "go"
    BOTH = "both"
    UNDECIDED = "undecided"


LANGUAGE_SHARE_RULE = "LANG"
"""The pseudo-rule id of the evidence a language's share of the code gives (it has no [[rule]] of its own)."""
DOMAIN_RULE = "DOMAIN"
"""The pseudo-rule id of the evidence a unit's domain gives."""
TEAM_RULE = "TEAM"
"""The pseudo-rule id of the evidence the team profile gives."""
HISTORY_RULE = "HISTORY"
"""The pseudo-rule id of the evidence the git history gives."""
JUDGEMENT_RULES = (DOMAIN_RULE, LANGUAGE_SHARE_RULE, TEAM_RULE, HISTORY_RULE)
"""Evidence ids a report cites that no [[rule]] defines: the judgement gives that evidence itself."""


class OutputFormat(str, enum.Enum):
    """A rendering of one report (``--format``), in the order the CLI lists them; the renderers live in reports/."""

    TERMINAL = "terminal"
    JSON = "json"
    SARIF = "sarif"
    MARKDOWN = "markdown"
    GITHUB = "github"
    GITLAB = "gitlab"
    HTML = "html"

    @property
    def shows_delta(self) -> bool:
        """Whether the format renders the change itself in ``analyze diff`` (the others carry its new findings)."""
        return self in (OutputFormat.TERMINAL, OutputFormat.JSON, OutputFormat.MARKDOWN)


class FactKind(str, enum.Enum):
    """How a fact was observed."""

    DEPENDENCY = "dependency"
    PATH = "path"
    CONTENT = "content"
    LANGUAGE = "language"


@dataclass(frozen=True, kw_only=True)
class Diagnostic:
    """A problem with the input (or the tool) that did not stop the analysis."""

    path: str
    """File the problem is about, relative to the root ("" for the repository as a whole)."""
    message: str
    """What was wrong and, where it helps, what to do."""
    severity: Severity = Severity.WARNING
    """How bad it is."""
    stage: str = ""
    """Pipeline stage that produced it: inventory, manifests, rules, match, git."""


@dataclass(frozen=True)
class FileEntry:
    """One file of the inventory."""

    path: str
    """POSIX path relative to the repository root."""
    size: int
    """Size in bytes as listed (before any read cap)."""
    language: str | None
    """Language name as in heuristics/languages.toml (linguist names: "Python", "C++", ...), or None."""
    role: Role
    """What the file is for."""
    component: str
    """Path of the component the file belongs to ("." for the root component)."""


class UnitKind(str, enum.Enum):
    """How a unit (a component) is built (DESIGN §4, issue 10 item 1)."""

    MANIFEST = "manifest"
    """A folder with its own manifest."""
    NATIVE = "native"
    """A native island: C/C++/Cython/CUDA/assembly folders built and linked into the host component."""
    CRATE = "crate"
    """The Rust crate of a split root (Cargo.toml beside pyproject.toml or package.json)."""
    BUNDLED = "bundled"
    """A nested third-party project (own licence and native build): never a side of a split."""


@dataclass(frozen=True)
class Component:
    """A directory with its own manifest(s): a unit that may get its own verdict."""

    path: str
    """Directory relative to the root, "." for the root."""
    manifests: tuple[str, ...]
    """Manifest files that make this directory a component (paths relative to the root)."""
    ecosystems: tuple[str, ...]
    """Ecosystems of those manifests (cargo, go, npm, pypi, maven, ...), sorted."""
    workspace: str | None = None
    """Path of the workspace root component this one is a member of, if any."""
    kind: UnitKind = UnitKind.MANIFEST
    """How the unit is built."""
    host: str | None = None
    """For a native island or a crate: the component it is built into (or beside)."""
    build: str = ""
    """For a native island or a crate: how the repository builds and binds it, in words."""
    evidence: tuple[Location, ...] = ()
    """Where the binding shows (the ffi fact, the Cargo.toml)."""


@dataclass(frozen=True)
class Inventory:
    """Everything known about the tree before manifests and rules are read."""

    root: str
    """The target as the user named it (for display only)."""
    files: tuple[FileEntry, ...]
    """Every listed file, sorted by path, binaries and unreadable files included with language None."""
    components: tuple[Component, ...]
    """Components, sorted by path; the root component "." is always present."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """Problems met while listing (symlinks out of the root, loops, unreadable paths...)."""


@dataclass(frozen=True, kw_only=True)
class Dependency:
    """One dependency declared or locked in a manifest."""

    ecosystem: str
    """pypi, npm, go, cargo, maven, cmake, conan, vcpkg, platformio, gem, composer, nuget, docker, target."""
    name: str
    """Name as written (normalization happens at matching time)."""
    version: str
    """Version specifier or locked version, "" if none."""
    scope: Scope
    """When it is needed."""
    direct: bool
    """Declared directly (True) or only present transitively in a lockfile (False)."""
    path: str
    """Manifest file, relative to the root."""
    line: int
    """1-based line of the declaration, 0 when unknown."""


@dataclass(frozen=True, kw_only=True)
class ManifestResult:
    """What a manifest parser returns for one file."""

    dependencies: tuple[Dependency, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    workspace_members: tuple[str, ...] = ()
    """Workspace member globs declared by this manifest, relative to its directory (Cargo
    ``[workspace] members``, go.work ``use``, package.json ``workspaces``)."""


@dataclass(frozen=True)
class Location:
    """A place in the repository."""

    path: str
    line: int


@dataclass(frozen=True, kw_only=True)
class Fact:
    """A neutral observation made by a rule: "declares a wasm32 target" at path:line."""

    rule: str
    """Rule id (e.g. WEB001)."""
    category: str
    """Marker category (DESIGN §3)."""
    marker: str
    """Marker name: the technology observed (flask, tokio, malloc...)."""
    kind: FactKind
    """How it was observed."""
    path: str
    line: int
    snippet: str
    """The matched text or dependency, at most 160 characters."""
    component: str
    """Component the fact belongs to."""
    weight: float = 1.0
    """Multiplier from where it was found: 1.0 runtime source, lower for tests and dev-only deps."""
    excluded: str | None = None
    """Why it does not count (vendored, fixture, example, docs, generated, transitive), None if it counts."""

    @property
    def counted(self) -> bool:
        """Whether the fact counts toward the verdict."""
        return self.excluded is None


@dataclass(frozen=True, kw_only=True)
class EvidenceItem:
    """One fact mapped onto one criterion: the only place the article's mapping is applied."""

    criterion: str
    leans: Lean
    weight: float
    """Weight after multipliers and saturation; >= 0."""
    rule: str
    category: str
    marker: str
    message: str
    path: str
    line: int
    component: str


@dataclass(frozen=True, kw_only=True)
class CriterionScore:
    """The lean of one criterion and the evidence behind it."""

    id: str
    name: str
    weight: float
    """Criterion weight from criteria.toml, after user priorities."""
    lean: float
    """In [-1, +1]: -1 clearly Go, +1 clearly Rust."""
    mass: float
    """Sum of evidence weights (how much was seen)."""
    evidence: tuple[EvidenceItem, ...]


@dataclass(frozen=True)
class LanguageShare:
    """How much of the counted code is in one language."""

    language: str
    files: int
    bytes: int
    share: float
    """Fraction of counted source bytes, in [0, 1]."""


@dataclass(frozen=True, kw_only=True)
class Marker:
    """A category of fact seen in the repo, with the places that show it."""

    category: str
    name: str
    rules: tuple[str, ...]
    evidence: tuple[Location, ...]
    count: int
    """Number of counted facts behind the marker (evidence is capped, count is not)."""


@dataclass(frozen=True, kw_only=True)
class Finding:
    """A rule hit as a linter reports it: rule, place, message."""

    rule: str
    category: str
    message: str
    path: str
    line: int
    marker: str
    component: str
    snippet: str = ""
    excluded: str | None = None


@dataclass(frozen=True, kw_only=True)
class Domain:
    """The article's use case a unit serves (heuristics/domains.toml): it sets the unit's starting lean."""

    id: str
    """Stable id (web-service, cli, embedded, ...)."""
    name: str
    """How a sentence names it ("web service or API")."""
    leans: Lean
    """The article's choice for this use case."""
    score: float
    """How strongly the unit's evidence speaks for it."""
    reason: str
    """The article's case in one clause."""


@dataclass(frozen=True, kw_only=True)
class Boundary:
    """Where the two sides of a `both` verdict meet (the article's "Can you use both?")."""

    kind: str
    """The interop path: ffi, grpc or rest."""
    go: tuple[str, ...]
    """Units on the Go side."""
    rust: tuple[str, ...]
    """Units on the Rust side."""
    evidence: tuple[Location, ...]
    """Where the repository shows the boundary (a binding fact, a proto service, the extension's build)."""
    move_first: str
    """The unit to move (or keep) in Rust first."""
    why: str
    """Why that one first."""


@dataclass(frozen=True, kw_only=True)
class Flip:
    """What would change the verdict: one criterion weighted by a factor gives another answer."""

    criterion: str
    factor: float
    verdict: VerdictLanguage


@dataclass(frozen=True, kw_only=True)
class Team:
    """What is known of the people who would write the code (issue 10 item 6): evidence, never a rule."""

    go: str | None = None
    """Experience with Go the user gave (none, some, expert), None when not given."""
    rust: str | None = None
    """Experience with Rust the user gave."""
    commits: int = 0
    """Commits of the bounded history examined (0 when the history was not read)."""
    authors: int = 0
    """Distinct authors in them."""
    go_authors: int = 0
    """Authors who touched Go files."""
    rust_authors: int = 0
    """Authors who touched Rust files."""


@dataclass(frozen=True, kw_only=True)
class ComponentVerdict:
    """The verdict of one component."""

    path: str
    verdict: VerdictLanguage
    confidence: float
    lean: float
    mass: float
    manifests: tuple[str, ...]
    ecosystems: tuple[str, ...]
    languages: tuple[LanguageShare, ...]
    markers: tuple[str, ...]
    """Marker categories seen in the component."""
    files: int
    workspace: str | None = None
    kind: UnitKind = UnitKind.MANIFEST
    """How the unit is built (a manifest folder, a native island, a split crate, a bundled copy)."""
    host: str | None = None
    """For a native island or crate: the component it is built into."""
    domain: Domain | None = None
    """The use case the unit serves, if its evidence says."""
    incumbent: str | None = None
    """Go or Rust when the unit is already written mostly in it."""


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The answer."""

    language: VerdictLanguage
    confidence: float
    summary: str
    runner_up: VerdictLanguage | None
    lean: float
    """Weighted overall lean in [-1, +1]."""
    reasons: tuple[str, ...] = ()
    """Top reasons, most weighty first."""
    split: tuple[tuple[str, VerdictLanguage], ...] = ()
    """For `both`: (component path, language) pairs."""
    interop: str | None = None
    """For `both`: the interop path that fits (ffi, grpc, rest)."""
    domain: Domain | None = None
    """The use case of the repository's main unit."""
    incumbent: str | None = None
    """Go or Rust when the judged code is already written mostly in it (the verdict is then stay or move)."""
    boundary: Boundary | None = None
    """For `both`: the sides, the boundary with its evidence and what to move first."""
    flips: tuple[Flip, ...] = ()
    """Criterion weightings that would change the answer."""
    against: tuple[str, ...] = ()
    """The strongest evidence against the verdict, in sentences."""


@dataclass(frozen=True)
class Target:
    """What was analyzed."""

    path: str
    revision: str | None


@dataclass(frozen=True)
class Stats:
    """Figures about the run."""

    files: int
    counted_files: int
    bytes_read: int
    seconds: float
    rules: int


@dataclass(frozen=True)
class Report:
    """The whole result of one analysis; every renderer takes only this."""

    tool_name: str
    tool_version: str
    target: Target
    verdict: Verdict
    criteria: tuple[CriterionScore, ...]
    markers: tuple[Marker, ...]
    components: tuple[ComponentVerdict, ...]
    findings: tuple[Finding, ...]
    diagnostics: tuple[Diagnostic, ...]
    languages: tuple[LanguageShare, ...]
    stats: Stats
    excluded: tuple[Marker, ...] = field(default=())
    """Markers seen only where they do not count (vendored, fixtures, examples, docs, transitive)."""
    schema_version: str = "1"
    effort: Effort | None = None
    """Porting-effort figures, when asked for (``--effort``)."""
    hidden_by_baseline: int | None = None
    """Findings a ``--baseline`` file already knew, left out of ``findings``; None when no baseline was applied."""


@dataclass(frozen=True)
class CriterionChange:
    """How one criterion's lean moved between two reports."""

    id: str
    before: float
    after: float

    @property
    def change(self) -> float:
        """after - before: positive moves toward Rust."""
        return round(self.after - self.before, 6)


@dataclass(frozen=True)
class Delta:
    """What changed between a base and a head report (``analyze diff``)."""

    base: Report
    head: Report
    verdict_changed: bool
    lean_change: float
    """head lean - base lean: positive moves toward Rust."""
    criteria: tuple[CriterionChange, ...]
    added_markers: tuple[Marker, ...]
    removed_markers: tuple[Marker, ...]
    added_findings: tuple[Finding, ...]
    """Findings of the head not in the base, matched by rule, path and snippet (not line numbers)."""
    removed_findings: tuple[Finding, ...]


@dataclass(frozen=True)
class LanguageLines:
    """Line count of the counted source files of one language."""

    language: str
    files: int
    lines: int


@dataclass(frozen=True)
class Hotspot:
    """A function whose complexity makes it costly to port."""

    path: str
    line: int
    name: str
    complexity: int


@dataclass(frozen=True)
class Effort:
    """Size and complexity of the code a port would rewrite (``--effort``)."""

    lines: tuple[LanguageLines, ...]
    python_files: int
    python_sloc: int
    functions: int
    mean_complexity: float
    hotspots: tuple[Hotspot, ...]
