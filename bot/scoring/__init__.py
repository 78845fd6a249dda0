"""Scorers: the offline scorer and the STAR analysis, with their helpers.

The LLM judge, which uses the offline scorer as its cross-check, lives in ``bot.llm``.
"""
