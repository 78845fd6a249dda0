"""Errors the engine raises for things a user did or asked for; adapters show the message as is."""


class EngineError(Exception):
    """A problem the user can act on; its message is one clear sentence."""


class SessionNotFound(EngineError):
    pass


class SessionFinished(EngineError):
    pass


class SessionTaken(EngineError):
    """Another process holds the session now; this one must stop without writing to it."""
