"""Everything loaded from ``heuristics/``: the criteria and the article's mapping (``criteria``), the rule
packs (``rules``), the language and path tables. In: the data files and the user's weights, select and ignore. Out:
frozen, validated records; ``load()`` returns the whole bundle a run needs.
"""
