"""A card's picture on Slack (and, through `upload`, a card's file): uploaded with
files_upload_v2 (files.getUploadURLExternal, the bytes to the upload URL,
files.completeUploadExternal) and shared where the card went.

The text post is complete without it: an upload that fails (the app installed without the
`files:write` scope, a network error) costs the picture only, with one log line saying why.
Slack has no private file in a channel, so the picture of a card only one person sees goes
to that person's direct messages with the bot."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.values import Image

log = logging.getLogger(__name__)

IN_DM = "The picture is in your direct messages with me."
ALT_CHARS = 1000  # Slack's limit for a file's alt text
UPLOAD_BYTES = 1024 * 1024 * 1024  # Slack takes files up to 1 GB


async def upload(
    client: AsyncWebClient,
    channel: str,
    data: bytes,
    filename: str,
    *,
    title: str = "",
    alt: str = "",
    thread_ts: str = "",
    comment: str = "",
) -> None:
    """files_upload_v2 into `channel` (a thread when `thread_ts`); raises SlackApiError (the
    error `missing_scope`: the app lacks files:write). Pictures and files both go through it."""
    await client.files_upload_v2(
        channel=channel,
        file=data,
        filename=filename,
        title=title or filename,
        alt_txt=alt[:ALT_CHARS] or None,
        thread_ts=thread_ts or None,
        initial_comment=comment or None,
    )


async def share(
    client: AsyncWebClient, channel: str, image: Image, *, title: str = "", thread_ts: str = ""
) -> bool:
    """Upload `image` into `channel` (a thread when `thread_ts`); False, logged, on failure."""
    try:
        await upload(
            client,
            channel,
            image.png,
            image.filename,
            title=title,
            alt=image.alt,
            thread_ts=thread_ts,
        )
    except SlackApiError as e:
        error = str(e.response.get("error") or "")
        if error == "missing_scope":
            log.warning(
                "slack: chart %s not uploaded: the app lacks the files:write scope (reinstall "
                "it from adapters/slack/manifest.yaml); the text was posted",
                image.filename,
            )
        else:
            why = error or e.response.status_code
            log.warning(
                "slack: chart %s not uploaded (%s); the text was posted", image.filename, why
            )
        return False
    except Exception as e:  # the picture is optional: nothing here may fail the reply
        why = type(e).__name__
        log.warning("slack: chart %s not uploaded (%s); the text was posted", image.filename, why)
        return False
    return True


def join_footer(footer: str, note: str) -> str:
    return f"{footer} · {note}" if footer else note
