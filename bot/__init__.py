"""MockLoop: timed mock interviews for Python developer jobs, in Discord and the terminal."""

__version__ = "0.1.0"
