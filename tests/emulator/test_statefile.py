"""The optional state file: loaded at start, written in group commits (a log line of what
changed, now and then a snapshot), no write answered and no read showing a change before it
is on disk; after a crash each commit is there wholly or not at all."""

from __future__ import annotations

import asyncio
import itertools
import json
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_sync.emulator import DEMO, EmulatorConfig, create_app, operations, serve_in_thread
from catalog_sync.emulator.ids import stable_id
from catalog_sync.emulator.seeds import build_store
from catalog_sync.emulator.statefile import StateFile, log_path, read_state, write_encoded
from catalog_sync.emulator.store import Store
from catalog_sync.errors import ConfigError
from catalog_sync.exact_json import decode_json, encode_json
from tests.emulator.bodies import seed_001_broker, seed_003_addon
from tests.emulator.conftest import SELLER, Api, token_form


def _saved(state: Path) -> dict[str, Any]:
    """What a restart would load: the snapshot with the log replayed (files only read)."""
    saved = read_state(state)
    assert saved is not None
    return saved.store.to_json()


def _log_lines(state: Path) -> list[dict[str, Any]]:
    text = log_path(state).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_every_write_is_in_the_files_before_it_is_answered(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with serve_in_thread(EmulatorConfig(state_file=state)) as url:
        assert _saved(state)["services"] == []
        api = Api(url)
        service_id = api.new_service("Persisted")
        assert [s["id"] for s in _saved(state)["services"]] == [service_id]
        api.http.delete(f"{SELLER}/services/{service_id}")
        assert _saved(state)["services"][0]["status"] == "Disabled"
        # Two commits, each a line of what it changed; the snapshot is still the seed's.
        assert [line["commit"] for line in _log_lines(state)] == [1, 2]
        assert json.loads(state.read_text())["services"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json", "state.json.log"]
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_each_kind_of_write_is_replayed_from_the_log(tmp_path: Path) -> None:
    """After every API write, what a restart would load is the emulator's state: no write
    changes a record without the store noting it."""
    state = tmp_path / "state.json"
    with serve_in_thread(EmulatorConfig(seed="demo", state_file=state)) as url:
        api, admin = Api(url), httpx.Client(base_url=url)

        def check(response: httpx.Response | str) -> None:
            if isinstance(response, httpx.Response):
                assert response.is_success, response.text
            assert _saved(state) == decode_json(admin.get("/_emulator/state").content)

        broker_id = api.create(f"{SELLER}/brokers", seed_001_broker())
        check(broker_id)
        check(api.http.put(f"{SELLER}/brokers/{broker_id}", json=seed_001_broker(vat="1")))
        service_id = api.new_service("Logged")
        service = f"{SELLER}/services/{service_id}"
        check(service_id)
        body = {"name": "Logged 2", "categoryIds": [api.category_id()]}
        check(api.http.put(service, json=body))
        body = {"publishTo": "SpecificBrokers", "brokerIds": [broker_id]}
        check(api.http.put(f"{service}/publish", json=body))
        product_id = api.new_product(service_id, "p")
        product = f"{service}/products/{product_id}"
        check(product_id)
        check(api.http.put(product, json={"name": "P", "itemCode": "p", "type": "ProductBased"}))
        addon = seed_003_addon(pricePer="Quantity")
        addon_ids = [api.create(f"{product}/addons", {**addon, "itemCode": c}) for c in "ab"]
        check(addon_ids[1])
        check(api.http.put(f"{product}/addons/{addon_ids[0]}", json={**addon, "itemCode": "a"}))
        prices = {
            "currencyCode": "SEK",
            "products": [
                {
                    "itemId": product_id,
                    "price": {"price": 1, "cost": 1},
                    "addons": [{"itemId": addon_ids[0], "price": {"price": 2, "cost": 1}}],
                }
            ],
        }
        check(admin.put(f"/_emulator/services/{service_id}/currencies/SEK"))
        check(api.http.put(f"{service}/pricelist", json=prices))
        check(api.http.delete(f"{product}/addons/{addon_ids[0]}"))
        check(api.http.delete(product))  # and its addon
        check(api.http.delete(service))  # disabled
        # A signed broker, and one the service is published to: both cascades are logged.
        signed = stable_id("broker", "5566778899")
        assert any(s["brokerId"] == signed for s in _saved(state)["signups"])
        check(api.http.delete(f"{SELLER}/brokers/{signed}"))
        check(api.http.delete(f"{SELLER}/brokers/{broker_id}"))
        assert len(_log_lines(state)) == 17  # one commit per write, none a snapshot
    restarted = create_app(EmulatorConfig(state_file=state)).state.emulator.store
    assert restarted.to_json() == _saved(state)


def test_a_saved_state_wins_over_the_seed(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with serve_in_thread(EmulatorConfig(seed="empty", state_file=state)) as url:
        Api(url).new_service("Survivor")
    app = create_app(EmulatorConfig(seed="demo", state_file=state))
    names = [s["name"] for s in app.state.emulator.store.services.values()]
    assert names == ["Survivor"]


def test_loading_folds_the_log_into_a_new_snapshot(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with serve_in_thread(EmulatorConfig(state_file=state)) as url:
        Api(url).new_service("Folded")
    assert log_path(state).stat().st_size > 0
    with serve_in_thread(EmulatorConfig(state_file=state)) as url:
        assert log_path(state).stat().st_size == 0
        snapshot = json.loads(state.read_text())
        assert (snapshot["commit"], [s["name"] for s in snapshot["services"]]) == (1, ["Folded"])
        Api(url).new_service("Next")
        assert [line["commit"] for line in _log_lines(state)] == [2]
    assert [s["name"] for s in _saved(state)["services"]] == ["Folded", "Next"]


def test_reset_is_persisted_as_a_snapshot(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with serve_in_thread(EmulatorConfig(state_file=state)) as url:
        Api(url).new_service("Gone")
        assert httpx.post(f"{url}/_emulator/reset", json={"seed": "demo"}).status_code == 204
        assert log_path(state).stat().st_size == 0
        Api(url).new_service("After")
    assert len(json.loads(state.read_text())["services"]) == 5
    assert len(_saved(state)["services"]) == 6


def test_write_encoded_replaces_the_file_whole(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    write_encoded(state, b'{"a":1}')
    write_encoded(state, b'{"b":2}')
    assert json.loads(state.read_text()) == {"b": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_an_unreadable_state_file_is_an_error(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"format": 99}')
    with pytest.raises(ConfigError, match=r"cannot use the emulator's state file .*format 99"):
        create_app(EmulatorConfig(state_file=state))


def test_a_format_3_state_file_loads_and_is_saved_again_in_the_current_format(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.json"
    # What the emulator wrote before the log: one snapshot, no commit number.
    data = build_store("demo", DEMO.seller_id).to_json()
    state.write_text(encode_json({**data, "format": 3}).decode(), encoding="utf-8")

    store = create_app(EmulatorConfig(state_file=state)).state.emulator.store

    assert store.to_json() == data
    assert decode_json(state.read_text()) == {**data, "format": 4, "commit": 0}


# Crash safety, from files written as a crash would leave them.


def _service(name: str) -> dict[str, Any]:
    return {"name": name, "categoryIds": [stable_id("category", "Productivity")]}


def _store(*names: str) -> Store:
    store = build_store("empty", DEMO.seller_id)
    for name in names:
        operations.create_service(store, _service(name), stable_id("s", name))
    return store


def _snapshot(state: Path, store: Store, commit: int) -> None:
    state.write_text(json.dumps({**store.to_json(), "commit": commit}), encoding="utf-8")


def _line(commit: int, *names: str, deleted: tuple[str, ...] = ()) -> str:
    """A log line putting a service named after each of ``names`` and deleting others."""
    records = _store(*names).to_json()["services"]
    changes: dict[str, Any] = {"put": {"services": records}}
    if deleted:
        changes["delete"] = {"services": [stable_id("s", name) for name in deleted]}
    return json.dumps({"commit": commit, "changes": changes}) + "\n"


def _names(state: Path) -> list[str]:
    store = create_app(EmulatorConfig(state_file=state)).state.emulator.store
    return [s["name"] for s in store.services.values()]


def test_the_log_is_replayed_in_order_onto_the_snapshot(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    _snapshot(state, _store("A"), commit=0)
    log_path(state).write_text(_line(1, "B", "C") + _line(2, "D", deleted=("A", "C")))
    assert _names(state) == ["B", "D"]


def test_a_torn_last_line_is_ignored_and_the_next_commit_follows_the_whole_ones(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.json"
    _snapshot(state, _store("A"), commit=0)
    torn = _line(2, "C")
    log_path(state).write_text(_line(1, "B") + torn[: len(torn) // 2])

    with serve_in_thread(EmulatorConfig(state_file=state)) as url:
        Api(url).new_service("Next")
        assert [line["commit"] for line in _log_lines(state)] == [2]

    assert [s["name"] for s in _saved(state)["services"]] == ["A", "B", "Next"]


def test_a_damaged_line_before_the_last_is_an_error(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    _snapshot(state, _store("A"), commit=0)
    log_path(state).write_text("{not json\n" + _line(1, "B"))
    with pytest.raises(ConfigError, match=r"state\.json\.log:1: not a JSON line"):
        create_app(EmulatorConfig(state_file=state))


def test_a_log_that_does_not_follow_its_snapshot_is_an_error(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    _snapshot(state, _store("A"), commit=1)
    log_path(state).write_text(_line(3, "B"))
    with pytest.raises(ConfigError, match=r"commit 3 does not follow commit 1"):
        create_app(EmulatorConfig(state_file=state))


def test_a_kill_after_an_append_before_compaction_keeps_the_appended_commits(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.json"
    _snapshot(state, _store("A"), commit=4)
    log_path(state).write_text(_line(5, "B") + _line(6, "C"))
    assert _names(state) == ["A", "B", "C"]
    assert json.loads(state.read_text())["commit"] == 6


def test_a_kill_after_a_compaction_before_the_log_is_emptied_skips_what_it_holds(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.json"
    # The new snapshot (commit 2) is in place; the old log still holds commits 1 and 2, which
    # it already has (here it renamed A: replaying them would bring the old name back).
    renamed = _store("A")
    operations.replace_service(renamed, stable_id("s", "A"), _service("A2"))
    _snapshot(state, renamed, commit=2)
    log_path(state).write_text(_line(1, "A") + _line(2, "B") + _line(3, "C"))
    assert _names(state) == ["A2", "C"]


# Compaction and the cost of a commit.


def _commit(state_file: StateFile, store: Store) -> None:
    write = state_file.prepare(store)
    assert write is not None
    write()


def test_the_log_is_compacted_into_a_snapshot_when_it_outgrows_it(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state_file, store = StateFile(state), _store()
    state_file.save(store)
    snapshots: list[int] = []
    for i in range(200):
        operations.create_service(store, _service(f"S{i}"))
        _commit(state_file, store)
        saved = json.loads(state.read_text())
        if not snapshots or saved["commit"] != snapshots[-1]:
            snapshots.append(saved["commit"])
        # Never more log than snapshot, and the two always hold every commit.
        assert log_path(state).stat().st_size <= state.stat().st_size
        assert _saved(state) == store.to_json()
    # Each snapshot holds at least twice the commits of the one before: rare, not per commit.
    assert len(snapshots) >= 3
    assert all(b >= 2 * a for a, b in itertools.pairwise(snapshots[1:]))


def test_after_a_failed_write_the_next_commit_is_a_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.json"
    state_file, store = StateFile(state), _store()
    state_file.save(store)
    operations.create_service(store, _service("A"))
    _commit(state_file, store)

    def full(self: StateFile, line: bytes) -> None:
        with log_path(state).open("ab") as handle:
            handle.write(line[:10])  # torn, as a full disk would leave it
        raise OSError("No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(StateFile, "_append", full)
        operations.create_service(store, _service("B"))
        write = state_file.prepare(store)
        assert write is not None
        with pytest.raises(OSError, match="No space"):
            write()
    operations.create_service(store, _service("C"))
    _commit(state_file, store)

    assert log_path(state).stat().st_size == 0
    assert [s["name"] for s in _saved(state)["services"]] == ["A", "B", "C"]


def _appended(state: Path, url: str, service_id: str) -> int:
    """The log bytes of one product create, one addon create and one addon update."""
    before = log_path(state).stat().st_size if log_path(state).exists() else 0
    api = Api(url)
    product_id = api.new_product(service_id, "new")
    addons = f"{SELLER}/services/{service_id}/products/{product_id}/addons"
    addon_id = api.create(addons, seed_003_addon(pricePer="Quantity"))
    api.http.put(f"{addons}/{addon_id}", json=seed_003_addon(pricePer="Selected"))
    return log_path(state).stat().st_size - before


def test_a_commit_costs_what_it_changed_not_the_size_of_the_state(tmp_path: Path) -> None:
    appended = []
    for products in (1, 200):
        state = tmp_path / f"{products}.json"
        store = _store("Big")
        service_id = stable_id("s", "Big")
        for p in range(products):
            body = {"name": f"P{p}", "itemCode": f"p{p}", "type": "ProductBased"}
            product_id = operations.create_product(store, service_id, body)
            for a in range(5):
                operations.create_addon(
                    store,
                    service_id,
                    product_id,
                    seed_003_addon(itemCode=f"a{a}", pricePer="Quantity"),
                )
        StateFile(state).save(store)
        with serve_in_thread(EmulatorConfig(state_file=state)) as url:
            appended.append(_appended(state, url, service_id))
        assert json.loads(state.read_text())["commit"] == 0  # three lines, no snapshot
    small, big = appended
    assert big == small  # the same bytes over 1 or 200 products
    assert (tmp_path / "200.json").stat().st_size > 100 * small


# Group commits.


def _names_on_disk(state: Path) -> set[str]:
    return {s["name"] for s in _saved(state)["services"]}


async def _token(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/connect/token", data=token_form(), auth=(DEMO.client_id, DEMO.client_secret)
    )
    http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"


def _wrap_writes(
    monkeypatch: pytest.MonkeyPatch, around: Callable[[int, Callable[[], None]], None]
) -> None:
    """Run each commit's write through ``around(services, write)``, ``services`` the number
    of services when the commit was made."""
    prepare = StateFile.prepare

    def wrapped(self: StateFile, store: Store) -> Callable[[], None] | None:
        write, services = prepare(self, store), len(store.services)
        return None if write is None else lambda: around(services, write)

    monkeypatch.setattr(StateFile, "prepare", wrapped)


def test_concurrent_writes_share_a_commit_and_none_is_answered_before_it_is_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.json"
    app = create_app(EmulatorConfig(state_file=state))
    category = app.state.emulator.store.categories[0]["categoryId"]
    commits: list[int] = []

    def counted(services: int, write: Callable[[], None]) -> None:
        commits.append(services)
        write()

    _wrap_writes(monkeypatch, counted)

    async def create(http: httpx.AsyncClient, name: str) -> str:
        body = {"name": name, "categoryIds": [category]}
        response = await http.post(f"{SELLER}/services", json=body)
        assert response.status_code == 201, response.text
        return name

    async def run() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
            await _token(http)
            answered = []
            tasks = [asyncio.create_task(create(http, f"S{i}")) for i in range(20)]
            for done in asyncio.as_completed(tasks):
                name = await done
                # Answered, so already durable: the files on disk hold it.
                assert name in _names_on_disk(state)
                answered.append(name)
            return answered

    assert len(asyncio.run(run())) == 20
    assert _names_on_disk(state) == {f"S{i}" for i in range(20)}
    assert commits[-1] == 20
    assert len(commits) < 20, commits  # grouped: fewer commits than writes


def test_a_read_waits_for_a_write_that_is_not_yet_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.json"
    app = create_app(EmulatorConfig(state_file=state))
    category = app.state.emulator.store.categories[0]["categoryId"]
    release = threading.Event()

    def held(services: int, write: Callable[[], None]) -> None:
        release.wait(timeout=30)
        write()

    _wrap_writes(monkeypatch, held)

    async def run() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
            await _token(http)
            body = {"name": "Pending", "categoryIds": [category]}
            write = asyncio.create_task(http.post(f"{SELLER}/services", json=body))
            while not app.state.emulator.store.services:
                await asyncio.sleep(0)  # until the change is made (its commit is held)
            read = asyncio.create_task(http.get(f"{SELLER}/services"))
            done, _ = await asyncio.wait({write, read}, timeout=0.3)
            assert done == set(), "answered before the write was durable"
            release.set()
            assert (await write).status_code == 201
            return [s["name"] for s in (await read).json()]

    assert asyncio.run(run()) == ["Pending"]
