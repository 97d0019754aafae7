"""The manifest parsers' shared readers, private to ``analyzer.manifests``.

One reader per format, each turning every failure into a ``ManifestError`` with one wording: ``yamldoc``
(composed nodes under depth, node and alias budgets, and the node accessors), ``jsondoc`` (JSON and JSONC
objects and the key-to-line index), ``xmldoc`` (defusedxml), ``tomldoc`` (tomllib), ``text`` (offset to line,
comment blanking, bracket matching, dependency-group words) and ``decode`` (bytes of a file to text: BOMs,
UTF-16/32, Git LFS pointers, the read cap). A parser imports these, ``analyzer.model`` and
``analyzer.errors``, and never another parser (tests/test_boundaries.py holds it).
"""
