"""The Discord adapter: slash commands, buttons and messages that drive the same engine as the terminal."""
