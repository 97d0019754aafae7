"""Comparisons between reports. In: two ``Report`` records, or a report and a baseline file. Out: a
``Delta`` (what changed, and the ``--fail-on`` gates that judge it: ``delta``) or a report without its known findings
(``baseline``).
"""
