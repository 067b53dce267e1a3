"""The interview-bot core: questions, grading, services, storage. No platform library here.

Adapters (`adapters/`) translate platform events into calls on `bot.services`, and the
application (`interview_bot/`) wires both together.
"""
