# interview-bot: the bot, with the PostgreSQL driver, running as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite:////data/interview-bot.db \
    HEALTH_HOST=0.0.0.0 \
    HEALTH_PORT=8080

# bubblewrap: the sandbox code answers run in (see README, Security). It needs unprivileged
# user namespaces, which Docker's default seccomp profile refuses: docker-compose.yml relaxes
# it for this container. Without them the bot starts, logs why, and asks no code questions.
RUN apt-get update \
    && apt-get install -y --no-install-recommends bubblewrap \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --user-group bot \
    && mkdir -p /data && chown bot:bot /data && chmod 0700 /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY interview_bot ./interview_bot
COPY questions ./questions
# A plain install: the question packs are package data, so nothing needs QUESTIONS_DIR.
RUN pip install '.[postgres]' && rm -rf /app/bot /app/adapters /app/interview_bot /app/questions

USER bot
VOLUME ["/data"]
# 8080: /healthz and /metrics; 3000: Slack in HTTP mode
EXPOSE 8080 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"
STOPSIGNAL SIGTERM
CMD ["interview-bot", "run"]
