"""Workspace installations sealed at rest: Fernet (AES-128-CBC with HMAC-SHA256) under
TOKEN_ENCRYPTION_KEY. The key and the tokens are never logged or shown in a repr."""

from __future__ import annotations

import json
import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)

KEY_VAR = "TOKEN_ENCRYPTION_KEY"
KEY_HELP = (
    "make one with: python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'"
)


def check_key(key: str) -> None:
    """ValueError (that never repeats the key) unless `key` is a Fernet key."""
    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        raise ValueError(f"not a Fernet key (32 url-safe base64 bytes); {KEY_HELP}") from None


class TokenBox:
    """Seals and opens a JSON object (an installation with its tokens)."""

    def __init__(self, key: str) -> None:
        check_key(key)
        self._fernet = Fernet(key.encode())

    def __repr__(self) -> str:
        return "TokenBox(<sealed>)"

    def seal(self, data: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(data).encode()).decode()

    def open(self, secret: str) -> dict[str, Any] | None:
        """The sealed object; None (and one log line) when another key sealed it."""
        try:
            got = json.loads(self._fernet.decrypt(secret.encode()))
        except (InvalidToken, ValueError):
            log.error("slack: a stored installation cannot be opened with %s", KEY_VAR)
            return None
        return got if isinstance(got, dict) else None
