"""NumPy models and demos of sequence-model concepts.

Pure functions returning dataclasses; no CLI, terminal or database imports.
"""
