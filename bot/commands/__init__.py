"""Typed commands: the text grammar, the routing of commands and clicks, the help table."""
