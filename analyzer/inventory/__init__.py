"""The inventory stage. In: a ``Tree`` and the path and language tables of ``knowledge``. Out: an
``Inventory``: every file with its language, role (source, test, docs, vendored, generated, ...) and component, the
manifest components and the workspaces that join them (``scan``, ``languages``, ``workspaces``).
"""
