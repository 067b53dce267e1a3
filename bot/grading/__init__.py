"""Grading: one grader per question kind behind one `grade()` entry point."""

from bot.grading.core import grade

__all__ = ["grade"]
