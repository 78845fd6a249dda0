"""Thin adapters between people and the engine: the terminal now, Discord later."""
