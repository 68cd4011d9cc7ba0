"""Golden files: rendered output compared byte for byte; UPDATE_GOLDEN=1 rewrites them."""

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "render" / "golden"


def assert_golden(name: str, rendered: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered.encode())
    assert rendered == path.read_bytes().decode(), f"{path} differs (UPDATE_GOLDEN=1 rewrites it)"
