"""Worked examples for teaching, kept apart from the library: the derivation walk and Pascanu's cliff.

They use the library (bptt, cells, clipping) and return numbers only: no translation keys,
no UI defaults (the views choose their own).
"""
