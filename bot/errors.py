"""Errors the command line maps to exit codes."""


class UsageError(Exception):
    """A bad flag, id or value: exit code 2, with the valid choices in the message."""
