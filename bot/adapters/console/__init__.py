"""The terminal adapter: one module per ``mockloop`` command, wired by :mod:`bot.console_root`."""
