"""seqml-glossary: the knowledge base, the learner's record, and their views.

Nothing here imports click; rich is imported only under ``glossary.render``.
"""

__version__ = "0.1.0"
