"""Prometheus metrics (prometheus-client); `/metrics` serves them in the text format."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

COMMANDS = Counter(
    "interview_bot_commands_total", "Commands handled", ["platform", "command"], registry=REGISTRY
)
COMMAND_ERRORS = Counter(
    "interview_bot_command_errors_total",
    "Commands that failed with an unexpected error",
    ["platform", "command"],
    registry=REGISTRY,
)
ANSWERS = Counter(
    "interview_bot_answers_total",
    "Answers stored",
    ["platform", "source", "verdict"],
    registry=REGISTRY,
)
GRADING = Histogram(
    "interview_bot_grading_seconds",
    "Time to grade one answer",
    ["kind"],
    buckets=(0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
POSTS = Counter(
    "interview_bot_posts_total",
    "Cards posted or edited for timed work",
    ["platform"],
    registry=REGISTRY,
)
POST_ERRORS = Counter(
    "interview_bot_post_errors_total",
    "Posting or editing failures",
    ["platform"],
    registry=REGISTRY,
)
