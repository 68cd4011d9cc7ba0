"""Retries: which failures are worth another attempt, how long to wait, and when to stop.

A plain loop runs the attempts: the decision (retry or not, and how long to wait) needs the
failure's ``Retry-After``, and the wait goes through an injectable ``sleep``, so that every
wait is recorded in the client's metrics exactly as decided and tests can skip the sleeping
without changing the decision. The overall deadline counts the decided waits, not the time
actually slept.

Rules (docs/contracts.md, the client section):

* 429 and 503 honour ``Retry-After`` (seconds or an HTTP date), capped; any method.
* 500, 502, 504, timeouts and transport errors: GET, PUT and DELETE only (they are
  idempotent, so another attempt cannot do harm, and a 500 on a busy API is usually passing).
* A POST is repeated only when it surely did not reach the server: a connect error, 429, 503.
* A 401 that survives the token's renewal (``auth.py``) is another attempt too, any method: the
  server refused it before doing anything, and the next attempt renews again. A token revoked
  between its issue and its use is transient; credentials that are really refused fail at the
  token endpoint instead, which is never retried.
* 8 attempts by default: a run reads hundreds of lists and details, and one read that gives up
  aborts the whole run, so reads get a wider budget than one call would need on its own
  (docs/contracts.md, the client section; the chaos suite runs at 30% faults).
  Creates that fail ambiguously are recovered by the client (re-list, adopt by natural key).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from catalog_sync.cloudmore.http import HTTPTransportError, Response, is_request_unsent
from catalog_sync.cloudmore.metrics import ClientMetrics
from catalog_sync.cloudmore.responses import error_for_response
from catalog_sync.errors import ApiError, TransportError

__all__ = [
    "IDEMPOTENT_METHODS",
    "Retrier",
    "RetryPolicy",
    "Retryable",
    "SleepFn",
    "parse_retry_after",
]

T = TypeVar("T")
SleepFn = Callable[[float], Awaitable[None]]

IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})
_ALWAYS_RETRY = frozenset({429, 503})
_RETRY_IF_IDEMPOTENT = frozenset({500, 502, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    deadline: float = 120.0
    """Seconds one call may spend across attempts and waits before giving up."""
    wait_initial: float = 0.25
    wait_max: float = 10.0
    wait_jitter: float = 0.5
    max_retry_after: float = 60.0
    """A server's Retry-After is honoured up to this many seconds."""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Retryable(Exception):  # noqa: N818 - internal signal, never leaves this package
    """One attempt failed in a way another attempt might fix."""

    def __init__(
        self,
        *,
        response: Response | None = None,
        error: BaseException | None = None,
        unsent: bool,
        retry_after: float | None = None,
    ) -> None:
        self.response = response
        self.error = error
        self.unsent = unsent
        """True when the request surely did not take effect, so even a POST may be repeated."""
        self.retry_after = retry_after
        what = f"status {response.status_code}" if response is not None else type(error).__name__
        super().__init__(what)

    def final_error(self, method: str, path: str, attempts: int) -> ApiError:
        if self.response is not None:
            return error_for_response(method, path, self.response, attempts=attempts)
        after = f" after {attempts} attempts" if attempts > 1 else ""
        error = self.error
        name = type(error).__name__
        detail = str(error).strip()
        if is_request_unsent(error or Exception()):
            what = "could not connect"
        elif "Timeout" in name:
            what = "timed out"
        else:
            what = "the connection failed"
        return TransportError(
            f"{what} ({name}{': ' + detail if detail else ''}){after}",
            method=method,
            path=path,
        )


class Retrier:
    """Runs one logical call's attempts under a :class:`RetryPolicy`."""

    def __init__(
        self, policy: RetryPolicy, metrics: ClientMetrics, *, sleep: SleepFn | None = None
    ) -> None:
        self.policy = policy
        self.metrics = metrics
        self._sleep = sleep or asyncio.sleep
        self._rng = random.Random()  # noqa: S311 - jitter, not cryptography

    async def attempt(
        self, method: str, send: Callable[[], Awaitable[Response]], *, unauthorized: bool = True
    ) -> Response:
        """One attempt: the response, or Retryable for a retryable status or transport error.

        ``unauthorized``: whether a 401 is retryable (an API request's, after the token's
        renewal), or is final (the token request's own: the credentials were refused)."""
        try:
            response = await send()
        except HTTPTransportError as error:
            self.metrics.record_transport_error(method, error)
            raise Retryable(error=error, unsent=is_request_unsent(error)) from error
        status = response.status_code
        if status == 401 and unauthorized:
            raise Retryable(response=response, unsent=True)
        if status in _ALWAYS_RETRY:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise Retryable(response=response, unsent=True, retry_after=retry_after)
        if status in _RETRY_IF_IDEMPOTENT:
            raise Retryable(response=response, unsent=False)
        return response

    async def run(
        self,
        method: str,
        path: str,
        attempt: Callable[[int], Awaitable[T]],
        *,
        repeat_sent: bool | None = None,
    ) -> T:
        """Call ``attempt(n)`` for n = 1, 2, ... until it returns or should not be repeated.

        ``attempt`` signals a retryable failure by raising :class:`Retryable`. A failure whose
        request may have reached the server is repeated only when ``repeat_sent`` (default:
        the method is idempotent). The last failure becomes an :class:`ApiError`.
        """
        if repeat_sent is None:
            repeat_sent = method.upper() in IDEMPOTENT_METHODS
        started = time.monotonic()
        skipped = 0.0  # decided wait a test's sleep did not spend: it still counts
        for number in itertools.count(1):
            try:
                return await attempt(number)
            except Retryable as failure:
                elapsed = time.monotonic() - started + skipped
                wait = self._wait(failure, number, elapsed, repeat_sent=repeat_sent)
                if wait is None:
                    raise failure.final_error(method, path, number) from None
            self.metrics.record_retry(wait)
            before = time.monotonic()
            await self._sleep(wait)
            skipped += max(0.0, wait - (time.monotonic() - before))
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(
        self, failure: Retryable, number: int, elapsed: float, *, repeat_sent: bool
    ) -> float | None:
        """The wait before attempt ``number + 1``, or None when there is to be none."""
        policy = self.policy
        if not (failure.unsent or repeat_sent) or number >= policy.max_attempts:
            return None
        if failure.retry_after is not None:
            wait = min(failure.retry_after, policy.max_retry_after)
        else:  # jittered exponential backoff
            jitter = self._rng.uniform(0, policy.wait_jitter)
            wait = min(policy.wait_max, policy.wait_initial * 2 ** (number - 1) + jitter)
        return None if elapsed + wait > policy.deadline else wait
