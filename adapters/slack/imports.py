"""Team question packs from Slack: a file shared in the channel or uploaded in the import
modal (our YAML, or another tool's questions: bot.questions.imports tells which from the
content), downloaded with the bot token from Slack's own file host only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.values import UserError
from bot.questions.imports import IMPORTABLE
from bot.questions.schema import MAX_PACK_BYTES


async def find_shared(client: AsyncWebClient, channel: str, name: str) -> dict[str, Any]:
    """The newest file called `name` shared in the channel (files.list, newest first)."""
    try:
        resp = await client.files_list(channel=channel, count=100)
    except SlackApiError as e:
        if e.response.get("error") == "missing_scope":
            raise UserError(
                "I need the files:read permission to read shared files: add it "
                "under OAuth & Permissions and reinstall the app."
            ) from None
        raise
    wanted = name.strip().lower()
    for f in resp.get("files") or []:
        if str(f.get("name", "")).lower() == wanted:
            return dict(f)
    raise UserError(
        f"No file called '{name[:60]}' is shared in this channel. Share the "
        "file here first, or run /questions import to upload or paste it."
    )


async def file_info(client: AsyncWebClient, file: dict[str, Any]) -> dict[str, Any]:
    """A modal's file_input gives a file id and maybe its details; fetch what is missing."""
    if file.get("url_private_download") or file.get("url_private"):
        return file
    if not isinstance(file.get("id"), str) or not file["id"]:
        raise UserError("I could not read that upload; please upload the file again.")
    try:
        resp = await client.files_info(file=file["id"])
    except SlackApiError as e:
        raise UserError(
            f"Slack would not give me that file ({e.response.get('error')}); "
            "please upload it again."
        ) from None
    return dict(resp["file"])


async def download(client: AsyncWebClient, file: dict[str, Any]) -> bytes:
    name = str(file.get("name") or "pack.yaml")
    if not name.lower().endswith(IMPORTABLE):
        raise UserError(f"'{name[:60]}' is not a file I can import ({', '.join(IMPORTABLE)}).")
    if int(file.get("size") or 0) > MAX_PACK_BYTES:
        raise UserError(f"'{name[:60]}' is larger than {MAX_PACK_BYTES // 1000} kB.")
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    if not _slack_host(url, client.base_url):
        raise UserError("That file is not stored on Slack, so I cannot read it.")
    headers = {"Authorization": f"Bearer {client.token}"}
    timeout = aiohttp.ClientTimeout(total=20)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=headers) as resp,
    ):
        if resp.status != 200:
            raise UserError(f"Slack did not give me the file (HTTP {resp.status}).")
        data = await resp.content.read(MAX_PACK_BYTES + 1)
    if len(data) > MAX_PACK_BYTES:
        raise UserError(f"'{name[:60]}' is larger than {MAX_PACK_BYTES // 1000} kB.")
    return data


def _slack_host(url: str, api_base: str) -> bool:
    """The bot token goes to Slack's hosts only (or to the API host we are pointed at)."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if parsed.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com")):
        return True
    base = urlparse(api_base)
    return bool(host) and host == base.hostname and parsed.port == base.port
