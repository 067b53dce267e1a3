"""The deployment files agree with the code's settings (no Docker engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from interview_bot.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}


def env_example() -> dict[str, str]:
    out = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        m = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=(.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    names = set(env_example()) - COMPOSE_ONLY
    assert names == {f.upper() for f in Settings.model_fields}


def test_env_example_values_are_valid_settings(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "\n".join(f"{k}={v}" for k, v in env_example().items() if v and k not in COMPOSE_ONLY)
    )
    s = load_settings(_env_file=env)
    assert s.platforms == []  # no token is set in the example


def test_compose_runs_the_bot_on_postgres_with_health_checks() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"bot", "db"}
    bot, db = services["bot"], services["db"]
    assert bot["env_file"] == ".env"
    env = bot["environment"]
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert set(env) <= {f.upper() for f in Settings.model_fields}
    port = int(env["HEALTH_PORT"])
    assert f"127.0.0.1:{port}/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.startswith("pgdata:") for v in db["volumes"])
    assert "pgdata" in compose["volumes"]
    user, password, dbname = (
        db["environment"]["POSTGRES_USER"],
        "${POSTGRES_PASSWORD}",
        db["environment"]["POSTGRES_DB"],
    )
    assert env["DATABASE_URL"] == f"postgresql://{user}:{password}@db:5432/{dbname}"
    assert str(Settings.model_fields["slack_port"].default) in bot["ports"][0]


def test_image_runs_as_a_non_root_user_with_a_health_check() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any("/healthz" in ln for ln in lines if "urlopen" in ln)
    assert any(ln.startswith('CMD ["interview-bot", "run"]') for ln in lines)


def test_the_image_and_compose_give_the_code_sandbox_what_it_needs() -> None:
    """bubblewrap in the image; compose lets it make namespaces and keeps no capabilities."""
    docker = (ROOT / "Dockerfile").read_text()
    assert "bubblewrap" in docker and "USER bot" in docker
    bot = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["bot"]
    assert "seccomp=unconfined" in bot["security_opt"]
    assert "no-new-privileges:true" in bot["security_opt"]
    assert bot["cap_drop"] == ["ALL"]
