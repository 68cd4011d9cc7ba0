"""One apply at a time per target, from any working directory; live duplicates are an error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog_sync.apply.lock import lock_path, target_key, target_lock
from catalog_sync.emulator import DEMO, EmulatorConfig, FaultConfig, serve_in_thread
from catalog_sync.errors import LockedError
from catalog_sync.plan.model import Target
from tests.apply.support import (
    EXAMPLE,
    SELLER,
    WRITE_METHODS,
    api_client,
    cli,
    served_http,
    use_emulator,
    writes_after,
)

TARGET = Target(api_url="http://127.0.0.1:1", seller_id="11111111-1111-4111-8111-111111111111")
DEADLINE_SECONDS = 60


def _apply(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "catalog_sync", "apply", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _writes(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in log if e["method"] in WRITE_METHODS and e["path"].startswith("/api/")]


def test_a_second_apply_from_another_directory_meets_the_lock_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    first_dir.mkdir()
    second_dir.mkdir()
    # Latency stretches the first apply (one request at a time) over several seconds.
    config = EmulatorConfig(seed="empty", faults=FaultConfig(latency_ms=150))
    with serve_in_thread(config) as url:
        use_emulator(monkeypatch, url)
        monkeypatch.chdir(second_dir)
        assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
        http = api_client(url)
        try:
            first = _apply(first_dir, str(EXAMPLE), "--yes", "--parallelism", "1")
            deadline = time.monotonic() + DEADLINE_SECONDS
            while not _writes(http.get("/_emulator/requests").json()):
                assert first.poll() is None, first.communicate()
                assert time.monotonic() < deadline, "the first apply never wrote"
            second = _apply(second_dir, "plan.json")
            _, second_err = second.communicate(timeout=DEADLINE_SECONDS)
            still_running = first.poll() is None
            first_out, first_err = first.communicate(timeout=DEADLINE_SECONDS)
            log = http.get("/_emulator/requests").json()
        finally:
            http.close()

    assert still_running  # the second apply ran while the first held the lock
    assert second.returncode == 1, second_err
    assert "another apply is running against" in second_err
    assert f"held by pid {first.pid}" in second_err
    assert ".lock" in second_err
    assert "Traceback" not in second_err
    assert first.returncode == 0, first_out + first_err
    agents = {e["agent"] for e in _writes(log)}
    assert agents == {f"catalog-sync/0.1.0 (pid {first.pid})"}
    assert len(_writes(log)) >= 40
    assert not (second_dir / ".catalog-sync" / "journal").exists()


def test_the_lock_names_its_holder_and_is_per_target(tmp_path: Path) -> None:
    with target_lock(TARGET, tmp_path) as path:
        with (
            pytest.raises(LockedError) as held,
            target_lock(TARGET.model_copy(update={"api_url": "http://127.0.0.1:1/"}), tmp_path),
        ):
            pass
        message = str(held.value)
        assert f"pid {os.getpid()}" in message
        assert f"in {os.getcwd()}" in message
        assert "since 20" in message
        assert str(path) in message
        assert "delete" in message
        other = TARGET.model_copy(update={"seller_id": "22222222-2222-4222-8222-222222222222"})
        with target_lock(other, tmp_path):
            pass
    with target_lock(TARGET, tmp_path):
        pass  # released at the end of the block


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from pathlib import Path\n"
            "from catalog_sync.apply.lock import lock_path, target_key, target_lock\n"
            "from catalog_sync.plan.model import Target\n"
            f"t = Target(api_url={TARGET.api_url!r}, seller_id={TARGET.seller_id!r})\n"
            f"with target_lock(t, Path({str(tmp_path)!r})):\n"
            "    print('locked', flush=True)\n"
            "    sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(LockedError, match=f"pid {holder.pid}"), target_lock(TARGET, tmp_path):
            pass
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    with target_lock(TARGET, tmp_path):
        pass


@pytest.fixture
def without_uniqueness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.chdir(tmp_path)
    with served_http(EmulatorConfig(seed="demo", unique_keys=False), monkeypatch) as http:
        yield http


def test_duplicate_natural_keys_in_live_state_are_an_error_naming_both_ids(
    without_uniqueness: Any,
) -> None:
    http = without_uniqueness
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    services = http.get(f"{SELLER}/services").json()
    listed = next(s for s in services if s["name"] == "Google Workspace")
    google = http.get(f"{SELLER}/services/{listed['id']}").json()
    body = {k: google[k] for k in ("name", "vendorName", "categoryIds", "provisioningType")}
    second = http.post(f"{SELLER}/services", json=body)
    assert second.status_code in (200, 201), second.text
    ids = [s["id"] for s in http.get(f"{SELLER}/services").json() if s["name"] == google["name"]]
    assert len(ids) == 2
    seq = int(http.get("/_emulator/requests").json()[-1]["seq"])

    planned = cli("plan", str(EXAMPLE), "--detailed-exitcode")
    applied = cli("apply", "plan.json")

    for result in (planned, applied):
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert 'service["Google Workspace"]: two live objects have this natural key' in (
            result.stderr
        )
        assert f"ids {ids[0]} and {ids[1]}" in result.stderr
    assert writes_after(http.get("/_emulator/requests").json(), seq) == []


def test_a_link_at_the_lock_path_is_refused_and_its_target_kept(tmp_path: Path) -> None:
    """Issue 24, item 5: a planted link made the lock truncate the file it pointed at."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    lock_path(TARGET, tmp_path).symlink_to(victim)
    with pytest.raises(LockedError, match="unsafe: a symbolic link"), target_lock(TARGET, tmp_path):
        pass
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_a_fifo_at_the_lock_path_is_a_clear_error(tmp_path: Path) -> None:
    os.mkfifo(lock_path(TARGET, tmp_path))
    with pytest.raises(LockedError, match="not a regular file"), target_lock(TARGET, tmp_path):
        pass


def test_apply_warns_about_a_lock_directory_others_can_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared-locks"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("CATALOG_SYNC_LOCK_DIR", str(shared))
    monkeypatch.chdir(tmp_path)
    for name in ("CI", "CLOUDMORE_API_URL", "CLOUDMORE_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    result = cli("apply", "--yes", str(EXAMPLE))
    assert f"the apply lock directory {shared.as_posix()} is writable by other users" in (
        result.output
    )
    assert "the apply journal directory" not in result.output


SAME_SERVER = (
    "http://127.0.0.1:8080",
    "http://localhost:8080",
    "http://LOCALHOST.:8080/",
    "http://127.0.0.1:8080/.",
    "http://127.0.0.1:8080//./",
    "http://[::1]:8080",
    "http://[::ffff:127.0.0.1]:8080",
    "http://[0:0:0:0:0:0:0:1]:8080",
    "http://127.1:8080",
    "http://2130706433:8080",
    "http://0x7f.0.0.1:8080",
    "HTTP://api.localhost:8080/a/..",
)


@pytest.mark.parametrize("spelling", SAME_SERVER)
def test_every_spelling_of_one_server_is_one_target_key(spelling: str) -> None:
    first = Target(api_url=SAME_SERVER[0], seller_id=TARGET.seller_id)
    other = Target(api_url=spelling, seller_id=TARGET.seller_id.upper())
    assert target_key(other) == target_key(first)
    assert target_key(first) == f"http://localhost:8080/ seller={TARGET.seller_id}"
    assert lock_path(other) == lock_path(first)


def test_default_ports_case_and_paths_are_one_target_key() -> None:
    keys = {
        target_key(Target(api_url=url, seller_id=f"{{{TARGET.seller_id}}}"))
        for url in (
            "https://api.cloudmore.com",
            "https://API.Cloudmore.com:443/",
            "https://api.cloudmore.com/v1/..",
            "https://api.cloudmore.com.",
        )
    }
    assert keys == {f"https://api.cloudmore.com:443/ seller={TARGET.seller_id}"}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8081",  # another port
        "https://127.0.0.1:8080",  # another scheme
        "http://10.0.0.1:8080",  # another host
        "http://127.0.0.1:8080/tenant",  # another base path
    ],
)
def test_other_servers_are_other_target_keys(url: str) -> None:
    base = Target(api_url="http://127.0.0.1:8080", seller_id=TARGET.seller_id)
    assert target_key(Target(api_url=url, seller_id=TARGET.seller_id)) != target_key(base)
    other_seller = base.model_copy(update={"seller_id": "22222222-2222-4222-8222-222222222222"})
    assert target_key(other_seller) != target_key(base)


def test_the_lock_holds_against_another_spelling_of_the_same_server(tmp_path: Path) -> None:
    """Two applies to one server spelled two ways both ran and created everything twice."""
    first = Target(api_url="http://127.0.0.1:8080", seller_id=TARGET.seller_id)
    for spelling in ("http://localhost:8080/.", "http://[::ffff:127.0.0.1]:8080"):
        second = Target(api_url=spelling, seller_id=TARGET.seller_id)
        with (
            target_lock(first, tmp_path),
            pytest.raises(LockedError) as held,
            target_lock(second, tmp_path),
        ):
            pass
        message = str(held.value)
        assert f"another apply is running against {spelling}" in message
        assert "the same target as its http://127.0.0.1:8080" in message
        assert "http://localhost:8080/ seller=" in message


def test_the_target_command_prints_the_key_without_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("USERNAME", "PASSWORD", "CLIENT_ID", "CLIENT_SECRET", "API_URL"):
        monkeypatch.delenv(f"CLOUDMORE_{variable}", raising=False)
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("CLOUDMORE_SELLER_ID", TARGET.seller_id.upper())
    monkeypatch.setenv("CLOUDMORE_ENVIRONMENT", "eu")
    by_name = cli("target")
    monkeypatch.delenv("CLOUDMORE_ENVIRONMENT")
    by_url = cli("target", "--api-url", "https://API.cloudmore.com:443/")
    for result in (by_name, by_url):
        assert result.exit_code == 0, result.output
        assert result.stdout == f"https://api.cloudmore.com:443/ seller={TARGET.seller_id}\n"
    monkeypatch.delenv("CLOUDMORE_SELLER_ID")
    missing = cli("target", "--environment", "eu")
    assert missing.exit_code == 1
    assert "missing setting: CLOUDMORE_SELLER_ID" in missing.stderr
    assert "Traceback" not in missing.output


def test_apply_meets_a_lock_held_under_another_spelling_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with served_http(EmulatorConfig(seed="demo"), monkeypatch) as http:
        url = str(http.base_url).rstrip("/")
        assert url.startswith("http://127.0.0.1:")
        assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
        seq = int(http.get("/_emulator/requests").json()[-1]["seq"])
        other = url.replace("127.0.0.1", "[::ffff:127.0.0.1]") + "/."
        held = Target(api_url=other, seller_id=DEMO.seller_id.upper())
        with target_lock(held, tmp_path / "locks"):
            applied = cli("apply", "plan.json")
        log = http.get("/_emulator/requests").json()
    assert applied.exit_code == 1, applied.output
    assert "another apply is running against" in applied.stderr
    assert f"the same target as its {other}" in applied.stderr
    assert writes_after(log, seq) == []
