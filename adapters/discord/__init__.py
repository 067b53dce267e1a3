"""Discord: app commands, buttons and modals on discord.py, translating to the core's services."""
