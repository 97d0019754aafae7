"""The judgement stage, the only place the article's mapping is applied. In: facts, language shares and
the knowledge. Out: evidence per criterion (``evidence``), leans and scores per unit (``scores``), and the ``Report``
with its verdict, confidence, split and reasons (``report``).
"""
