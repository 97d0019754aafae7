"""The facts stage. In: an ``Inventory``, the parsed manifests and the rule set. Out: neutral ``Fact``
records with file:line evidence: from declared dependencies and paths (``declared``) and from file contents, read once
and matched with the compiled patterns (``content``, ``matcher``, ``lexers``), plus the porting-effort figures
(``effort``, the one module that imports radon).
"""
