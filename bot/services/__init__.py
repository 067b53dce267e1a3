"""The services: quizzes, interviews, daily questions, leaderboards and what they share."""
