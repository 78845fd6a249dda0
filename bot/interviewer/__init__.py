"""Interviewers: what is said between questions (follow-ups, hints)."""
