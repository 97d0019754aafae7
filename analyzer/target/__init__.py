"""The target stage: where the bytes come from. In: a path, and optionally a git revision and extra exclude
patterns. Out: a ``Tree`` (``worktree.Tree``) that lists the repository's regular files, relative to its root, and
reads them with a cap, never following a symlink out of the root: a directory or git work tree (``worktree``), a
revision read from git objects with no checkout, bare repositories too (``revision``). ``git`` is the one module that
imports GitPython.
"""
