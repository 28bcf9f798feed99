"""seqml-glossary: the knowledge base, the learner's record, and their views.

Nothing here imports click; rich is imported only under ``glossary.render``. The core may import
``seqml`` (inside the functions that run a model, so a lookup never loads NumPy); ``seqml`` never
imports the glossary. ``tests/test_imports.py`` enforces these rules and forbids import cycles.
"""

__version__ = "0.1.0"
