"""The terminal adapter behind ``mockloop practice``, ``score``, ``questions`` and ``history``."""
