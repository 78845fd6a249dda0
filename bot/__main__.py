"""``python -m bot`` is the ``mockloop`` command."""

from bot.cli import main

raise SystemExit(main())
