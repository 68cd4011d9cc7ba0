import asyncio

import pytest

from catalog_sync.concurrency import gather_all


def test_results_come_back_in_order() -> None:
    async def value(n: int) -> int:
        await asyncio.sleep(0)
        return n

    assert asyncio.run(gather_all(value(n) for n in range(5))) == [0, 1, 2, 3, 4]


def test_the_first_error_is_raised_as_itself_after_siblings_are_cancelled() -> None:
    finished: list[str] = []
    never = asyncio.Event()

    async def fails() -> int:
        raise KeyError("boom")

    async def waits() -> int:
        try:
            await never.wait()
        except asyncio.CancelledError:
            finished.append("cancelled")
            raise
        return 1

    async def main() -> None:
        with pytest.raises(KeyError, match="boom"):
            await gather_all([waits(), fails(), waits()])
        # Both siblings were cancelled and had finished by the time the error arrived.
        assert finished == ["cancelled", "cancelled"]

    asyncio.run(main())
