"""The analyzer's error hierarchy: one base class and one subclass per stage.

Only the ``cli`` package turns these into exit codes; every other module raises or returns them.
"""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base of every error the analyzer raises on purpose."""


class ConfigError(AnalyzerError):
    """The configuration (file, environment or command line) is invalid."""


class TargetError(AnalyzerError):
    """The target path or revision cannot be analyzed (missing, not a directory, bad revision)."""


class RuleError(AnalyzerError):
    """A rule pack in ``heuristics/`` is malformed: a bug in the shipped data or a user pack."""


class ManifestError(AnalyzerError):
    """A manifest could not be parsed; parsers raise it and the registry turns it into a diagnostic."""
