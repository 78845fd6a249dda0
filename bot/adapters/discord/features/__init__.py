"""The Discord adapter's features, one module or package each: its slash commands, buttons, modals,
forms and message handlers, and nothing another feature owns.

- ``rounds``: ``/mock start|loop|end|skip|hint|status``, the buttons under each question and the
  answer form, answers typed or spoken in a round's thread, and opening a round's thread.
- ``schedule``: ``/mock schedule|schedules|unschedule|plan``, reminders and the Start button.
- ``history``: ``/mock history|report`` (the report's charts come from the shared chart worker).
- ``star``: ``/star`` rehearsals and the story bank.
- ``groups``: group rounds (``/mockadmin group``, the Join button, the start timer's handler).
- ``peer``: ``/peer``, the peer interview desk, its buttons and its messages.
- ``privacy``: ``/privacy export|forget`` and what the bot's leftover threads and buttons say after a forget.
- ``admin``: ``/mockadmin`` server settings.

Two slash command groups hold several features' subcommands: ``/mock`` (rounds, schedule, history)
and ``/mockadmin`` (admin, groups).  Each is one ``GroupCog`` whose subcommands come from mixin
classes in the features' modules (``mock.MockCog``, ``admin.AdminCog``); discord.py's ``CogMeta``
gathers app commands from every class of the cog's MRO.  A mixin subclasses ``commands.Cog`` only
so the type checker accepts its commands; it is never added on its own.

Each feature that registers anything has ``async def setup(client)``, which adds its cogs and its
persistent buttons (``DynamicItem`` classes) to the client, in the spirit of discord.py's
extensions.  Registering a new feature is one entry in ``bot.FEATURES``; a new ``/mock``
subcommand is a method on its feature's mixin, and a feature new to ``/mock`` adds its mixin to
``MockCog``'s bases instead.  What every feature uses (the client, services, ports, the notifier
and its relay, timers, rendering, splitting, voice transcription, shared views and pickers) lives
one level up, in ``bot.adapters.discord``; a feature may use another's public helpers (a round is
opened by ``rounds.starting`` for a scheduled or group round too), and the import-cycle test keeps
those arrows one way.  Inside a feature package, import a sibling by its full module path, never
through the package, whose ``__init__`` imports them all for ``setup``.
"""
