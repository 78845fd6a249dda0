"""Thin adapters between people and the engine: the terminal (``console``) and Discord (``discord``)."""
