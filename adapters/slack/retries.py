"""How the Web API client retries: slack_sdk's own retry handlers, set so no retry can post twice.

- 429: always retried after Retry-After (`AsyncRateLimitErrorRetryHandler`): Slack did not
  take a rate-limited call, so nothing can be done twice.
- A dropped connection: slack_sdk's default `AsyncConnectionErrorRetryHandler` (once).
- 5xx: retried with exponential back-off and jitter, but only where a retry cannot do the
  work twice. Slack says of its 500s that "some aspect of the operation [may have]
  succeeded", and chat.postMessage takes no idempotency key, so a post answered with a 500
  may be in the channel already: a blind retry would post it twice. A call that creates
  something is therefore retried only on 503 (the service did not take the call); calls
  that set or read state (chat.update, views.publish, users.info ...) on any 500/502/503/504.
  A post that gets a 500 fails (the outbox logs it); a lost reveal is better than two.
"""

from __future__ import annotations

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

RATE_LIMIT_RETRIES = 2
SERVER_ERROR_RETRIES = 3
# Methods that do the same thing however often they are called: safe to retry on any 5xx.
IDEMPOTENT = frozenset(
    {
        "auth.test",
        "chat.update",
        "views.publish",
        "views.update",
        "users.info",
        "conversations.open",
        "conversations.info",
        "files.info",
        "files.list",
    }
)
ANY_SERVER_ERROR = frozenset({500, 502, 503, 504})
NOT_TAKEN = frozenset({503})


def method_of(url: str) -> str:
    """`https://slack.com/api/chat.postMessage?x=1` -> `chat.postMessage`."""
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


class SafeServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """slack_sdk's server-error handler, narrowed to retries that cannot duplicate a post."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None:
            return False
        statuses = ANY_SERVER_ERROR if method_of(request.url) in IDEMPOTENT else NOT_TAKEN
        return response.status_code in statuses


def retry_handlers(backoff: RetryIntervalCalculator | None = None) -> list[AsyncRetryHandler]:
    """The Web API client's handlers; `backoff` spaces out 5xx and connection retries
    (0.5 s, 1 s, 2 s with jitter by default; tests pass a zero interval)."""
    interval = backoff or BackoffRetryIntervalCalculator(backoff_factor=0.5)
    return [
        AsyncConnectionErrorRetryHandler(interval_calculator=interval),
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        SafeServerErrorRetryHandler(
            max_retry_count=SERVER_ERROR_RETRIES, interval_calculator=interval
        ),
    ]
