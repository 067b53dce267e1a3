"""Draw the README's four pictures (docs/chart-*.png) from made-up but real-looking data:
`.venv/bin/python docs/make_charts.py`. The same drawing code the bot runs (bot.charts)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from bot.charts import interview_chart, leaderboard_chart, recap_chart, stats_chart
from bot.charts.data import (
    BoardData,
    BoardRow,
    Hardest,
    InterviewData,
    Mover,
    QuestionShare,
    RecapData,
    StatsData,
    TopicBar,
    TopicTrend,
)

HERE = Path(__file__).parent


def main() -> None:
    rng = random.Random(7)
    today = date(2026, 12, 2)
    active = {}
    for i in range(84):
        if rng.random() < 0.62:
            active[today - timedelta(days=i)] = rng.choice([1, 1, 2, 3, 4, 6, 8, 11])
    topics = tuple(
        TopicBar(topic, answers, right, score, level)  # level: the ability estimate in words
        for topic, answers, right, score, level in [
            ("python", 126, 101, 0.83, "senior"),
            ("databases", 58, 29, 0.52, "mid"),
            ("web", 41, 33, 0.81, "mid"),
            ("git", 22, 19, 0.88, "mid"),
            ("docker", 17, 7, 0.41, "junior"),
            ("testing", 9, 6, 0.67, "junior"),
        ]
    )
    names = ["Priya Raman", "Tomás Ortega", "mei.chen", "Kwame A.", "Jonas Lindqvist"]
    names += ["sara_k", "Dmitri Volkov", "Aisha Bello", "lukas", "Hannah O'Neill"]
    points = [1385, 1240, 1190, 1020, 985, 760, 705, 540, 410, 385]
    rows = tuple(
        BoardRow(i + 1, n, p, p // 13, p // 10)
        for i, (n, p) in enumerate(zip(names, points, strict=True))
    )
    shares = (
        QuestionShare("1. What does a Python generator keep between calls?", 1.0, 3, 3),
        QuestionShare("2. When does a dict lookup stop being O(1)?", 2 / 3, 2, 3),
        QuestionShare("3. What does an index cost on every write?", 0.25, 1, 4),
        QuestionShare("4. Which isolation level stops phantom reads?", 1.0, 0, 0),
        QuestionShare("5. Why does asyncio.gather not run code in parallel?", 0.5, 1, 2),
    )
    trends = (
        TopicTrend("python", 0.78, (0.42, 0.55, 0.5, 0.63, 0.7)),
        TopicTrend("databases", 0.45, (0.6, 0.4)),
        TopicTrend("asyncio", 0.67),
    )
    hardest = Hardest(
        "Which HTTP status code tells a client that it must authenticate before the request "
        "can succeed?",
        3,
        17,
    )
    movers = (Mover("Kwame A.", 310, 45), Mover("sara_k", 240, 60), Mover("mei.chen", 1190, 1010))
    pictures = {
        "stats": stats_chart(StatsData("Priya Raman", topics, 6, 19, today, active, rank=4)),
        "leaderboard": leaderboard_chart(
            BoardData("Leaderboard · the team · this month", rows, 214)
        ),
        "interview": interview_chart(
            InterviewData("Priya Raman", "Interview report · python", trends, shares)
        ),
        "recap": recap_chart(
            RecapData(
                "Weekly recap · week 48",
                rows[:5],
                movers,
                (("Tomás Ortega", 23), ("Priya Raman", 6), ("lukas", 4)),
                hardest,
            )
        ),
    }
    for name, image in pictures.items():
        (HERE / f"chart-{name}.png").write_bytes(image.png)
        print(f"docs/chart-{name}.png: {len(image.png):,} bytes")


if __name__ == "__main__":
    main()
