"""Slack: slash commands, Block Kit buttons, modals and App Home on slack-bolt (AsyncApp)."""
