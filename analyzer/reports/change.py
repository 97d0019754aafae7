"""What a Delta means in words: the sentences every diff rendering (terminal, JSON, Markdown) shares.

``headline`` is the one-line answer a reviewer reads first ("This change adds a WASM target: ecosystem +0.12
toward Rust."); the other helpers pick the criteria that moved and name verdicts and leans the same way in
every format. Everything here is a pure function of the Delta.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from analyzer.model import CriterionChange, Delta, Marker, VerdictLanguage

MOVED = 0.005
"""Smallest criterion change worth naming: anything less prints as +0.00."""

LANGUAGE_NAMES = {
    VerdictLanguage.RUST: "Rust",
    VerdictLanguage.GO: "Go",
    VerdictLanguage.BOTH: "Both",
    VerdictLanguage.UNDECIDED: "Undecided",
}

# How a marker category reads after "adds" / "removes"; unknown categories read as their name.
_PHRASES = {
    "http-server": "an HTTP server",
    "network-server": "a network server",
    "grpc": "gRPC services",
    "container": "a container build",
    "k8s": "Kubernetes deployment",
    "iac": "infrastructure as code",
    "devops": "DevOps tooling",
    "cli": "a command-line tool",
    "crypto": "cryptography",
    "wasm": "a WASM target",
    "embedded": "firmware code",
    "game-engine": "a game engine",
    "low-latency": "latency-critical code",
    "blockchain": "blockchain code",
    "systems": "systems code",
    "ffi": "a native FFI boundary",
    "unsafe-memory": "manual memory management",
    "concurrency:threads": "OS threads",
    "concurrency:async": "async I/O",
    "concurrency:lock-free": "lock-free code",
    "concurrency:processes": "process-level parallelism",
    "concurrency:goroutines": "goroutines",
    "existing-go": "Go code",
    "existing-rust": "Rust code",
}
_MAX_PHRASES = 3
_MAX_MOVES = 2


def signed(value: float) -> str:
    """``+0.12`` / ``-0.40``; anything that rounds to zero prints as ``+0.00``."""
    return f"{value if abs(value) >= MOVED else 0.0:+.2f}"


def toward(value: float) -> str:
    """``+0.12 toward Rust`` / ``-0.40 toward Go`` (the report's sign convention: positive is Rust)."""
    if abs(value) < MOVED:
        return "+0.00"
    return f"{signed(value)} toward {'Rust' if value > 0 else 'Go'}"


def moved(delta: Delta) -> list[CriterionChange]:
    """Criteria whose lean moved, largest move first (ties by id)."""
    changes = [c for c in delta.criteria if abs(c.change) >= MOVED]
    return sorted(changes, key=lambda c: (-abs(c.change), c.id))


def criterion_name(delta: Delta, criterion_id: str) -> str:
    """The criterion's display name from the head report (the base's if the head lacks it)."""
    for score in (*delta.head.criteria, *delta.base.criteria):
        if score.id == criterion_id:
            return score.name
    return criterion_id


def verdict_line(delta: Delta) -> str:
    """``Rust → Both (verdict changed)`` or ``Rust (unchanged)``."""
    before = LANGUAGE_NAMES[delta.base.verdict.language]
    after = LANGUAGE_NAMES[delta.head.verdict.language]
    if delta.verdict_changed:
        return f"{before} → {after} (verdict changed)"
    return f"{after} (unchanged)"


def lean_line(delta: Delta) -> str:
    """``Lean +0.31 → +0.43 (+0.12 toward Rust)``."""
    before, after = delta.base.verdict.lean, delta.head.verdict.lean
    return f"Lean {signed(before)} → {signed(after)} ({toward(delta.lean_change)})"


def phrase(category: str) -> str:
    """How a marker category reads in a sentence."""
    return _PHRASES.get(category, category)


def _categories(markers: Iterable[Marker]) -> list[str]:
    counts: Counter[str] = Counter()
    for marker in markers:
        counts[marker.category] += max(marker.count, 1)
    return [category for category, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _enumerate(items: list[str]) -> str:
    shown = items[:_MAX_PHRASES]
    if len(items) > _MAX_PHRASES:
        shown.append(f"{len(items) - _MAX_PHRASES} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def headline(delta: Delta) -> str:
    """One sentence: which marker categories the change adds or removes and which criteria it moves."""
    verbs = []
    added = _categories(delta.added_markers)
    removed = _categories(delta.removed_markers)
    if added:
        verbs.append("adds " + _enumerate([phrase(c) for c in added]))
    if removed:
        verbs.append("removes " + _enumerate([phrase(c) for c in removed]))
    moves = ", ".join(f"{c.id} {toward(c.change)}" for c in moved(delta)[:_MAX_MOVES])
    if verbs and moves:
        return f"This change {' and '.join(verbs)}: {moves}."
    if verbs:
        return f"This change {' and '.join(verbs)}; no criterion moves."
    if moves:
        return f"This change moves {moves}."
    return "This change does not move the analysis: no marker added or removed, no criterion moved."
