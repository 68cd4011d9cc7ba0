"""Running independent awaitables together, all or nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextlib import asynccontextmanager
from typing import TypeVar

__all__ = ["all_or_nothing", "gather_all"]

T = TypeVar("T")


@asynccontextmanager
async def all_or_nothing() -> AsyncIterator[asyncio.TaskGroup]:
    """A task group whose first error is raised as itself once every other task is cancelled
    and finished: nothing is left running (half-open connections) behind an error, and
    callers see a plain exception, not an ExceptionGroup."""
    try:
        async with asyncio.TaskGroup() as group:
            yield group
    except BaseExceptionGroup as failed:
        raise _first(failed) from None


async def gather_all(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """``asyncio.gather`` for awaitables of one type, all or nothing."""

    async def run(awaitable: Awaitable[T]) -> T:
        return await awaitable

    async with all_or_nothing() as group:
        tasks = [group.create_task(run(awaitable)) for awaitable in awaitables]
    return [task.result() for task in tasks]


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    error = group.exceptions[0]
    return _first(error) if isinstance(error, BaseExceptionGroup) else error
