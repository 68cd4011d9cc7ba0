"""The emulator's public surface is what contracts.md promises."""

from __future__ import annotations

import catalog_sync.emulator as emulator
from catalog_sync.emulator import DEMO, EmulatorConfig, create_app


def test_public_names() -> None:
    assert set(emulator.__all__) >= {
        "DEMO",
        "EmulatorConfig",
        "FaultConfig",
        "create_app",
        "serve_in_thread",
    }
    assert all(hasattr(emulator, name) for name in emulator.__all__)


def test_demo_credentials_are_the_documented_constants() -> None:
    assert (DEMO.username, DEMO.password) == ("demo@example.com", "demo")
    assert (DEMO.client_id, DEMO.client_secret) == ("ro.customer.client", "demo-secret")
    assert DEMO.seller_id == "11111111-1111-4111-8111-111111111111"


def test_each_app_has_its_own_emulator() -> None:
    first, second = create_app(EmulatorConfig(seed="demo")), create_app(EmulatorConfig())
    assert first.state.emulator is not second.state.emulator
    assert len(first.state.emulator.store.services) == 5
    assert second.state.emulator.store.services == {}
    for part in ("store", "request_log", "faults"):
        assert hasattr(first.state.emulator, part)
