"""Running candidate code: in a bubblewrap sandbox, or not at all.

The bot holds secrets (Discord token, LLM key, database URL), so a submission never runs in
the bot's process or with its environment, files, network or uid.  ``harness.py`` runs inside
and reports returned values; ``runner.py`` starts, bounds and kills the sandbox;
``results.py`` compares the values with expected ones outside and decides what the candidate
may see.  Without a working sandbox nothing runs and the result says why.

Nothing is imported or re-exported here: importing one submodule (the code scorer needs only
``results``) must not load the others.  Import from the submodule that defines the name.
"""
