"""Grading: one grader per question kind behind one `grade()` entry point.

grade(question, answer) -> Grade                    # choice, short, open, code
grade(question, answer, options=GradingOptions(judge=JudgeConfig.from_env()))
grade_many([(question, answer), ...]) -> [Grade]     # batches the semantic model
await warm_up()                                      # load the model at start-up
"""

from bot.grading.core import (
    LEXICAL,
    MAX_ANSWER_CHARS,
    GradingOptions,
    grade,
    grade_many,
    warm_up,
)
from bot.grading.judge import JudgeConfig
from bot.sandbox import SandboxLimits

__all__ = [
    "LEXICAL",
    "MAX_ANSWER_CHARS",
    "GradingOptions",
    "JudgeConfig",
    "SandboxLimits",
    "grade",
    "grade_many",
    "warm_up",
]
