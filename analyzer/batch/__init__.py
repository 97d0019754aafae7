"""The portfolio batch (DESIGN §10). In: sources (paths, bare repositories, list files, URLs) and settings.
Out: one stored row per repository and commit in the SQLite store (``store``); each repository is a task run in an
isolated worker process under a hard timeout (``tasks``, ``workers``), locally or on a Dask cluster (``run``).
"""
