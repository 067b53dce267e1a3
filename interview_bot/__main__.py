from interview_bot.cli import app

app()
