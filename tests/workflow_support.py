"""The workflow commands end to end: a demo emulator on 127.0.0.1 and the CLI run in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from catalog_sync.cli import main
from catalog_sync.cloudmore import open_read_write
from catalog_sync.emulator import EmulatorConfig, serve_in_thread
from catalog_sync.graph import Kind
from catalog_sync.kinds.addon import AddonBody
from tests.apply.support import use_emulator
from tests.cloudmore.emulator_helpers import demo_settings


@pytest.fixture
def demo_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A fresh demo emulator per test (the tests write to it), with the CLI pointed at it."""
    monkeypatch.chdir(tmp_path)  # the apply journal goes under the working directory
    with serve_in_thread(EmulatorConfig(seed="demo")) as url:
        use_emulator(monkeypatch, url)
        monkeypatch.delenv("GITHUB_SHA", raising=False)
        yield url


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def set_addon_price(url: str, service: str, product: str, addon: str, price: str) -> None:
    """Change a price as someone in the Cloudmore UI would: through the API."""

    async def change() -> None:
        async with open_read_write(demo_settings(url)) as client:
            found = next(s for s in await client.list(Kind.SERVICE) if s.name == service)
            products = await client.list(Kind.PRODUCT, (found.id,))
            item = next(p for p in products if p.item_code == product)
            addons = await client.list(Kind.ADDON, (found.id, item.id))
            live = next(a for a in addons if a.item_code == addon)
            body = AddonBody.model_validate(live.model_dump(exclude={"id"}))
            body = body.model_copy(update={"price": Decimal(price)})
            await client.replace(Kind.ADDON, (found.id, item.id), live.id, body)

    asyncio.run(change())


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")
