"""Scorers: the deterministic offline scorer (and, later, the LLM judge and STAR analysis)."""
