"""Scorers: the offline scorer (claims, coverage, code facts, misconception claims), the STAR analysis, and their helpers; the LLM judge lives in ``bot.llm``."""
