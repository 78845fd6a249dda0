"""The Discord adapter: slash commands, buttons and messages that drive the same engine as the terminal.

Each feature's commands, buttons, forms and handlers are in ``features`` (one module or package
per feature, registered in ``bot.FEATURES``).  The modules here are what the features share: the
client (``bot``), the services handed to it (``services``) and the ports they are built on
(``ports``); a session's events shown in its thread (``notifier``, delivered by ``relay``,
deadlines in ``timers``); what the bot says (``render``, ``split``, ``stream``, ``waiting``);
recordings (``voice``), charts (``charts``, drawn in ``chart_worker``'s process), the shared
views and pickers (``views``, ``choices``) and the event loop's lag (``loop_watch``).
"""
