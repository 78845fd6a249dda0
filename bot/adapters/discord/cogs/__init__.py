"""Cogs translate Discord interactions into engine calls and render what comes back; nothing else."""
