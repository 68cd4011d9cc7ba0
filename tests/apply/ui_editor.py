"""Someone in the Cloudmore UI while apply runs: the chaos suite's concurrent editor.

A thread of its own with a plain httpx client (its own token, through the same faults as
apply), editing random objects from apply's first write on, the way the UI saves one: read it
whole, change one field, PUT it whole. It edits fields the catalog manages (an addon's price
and name, a product's name, a service's vendor) and fields it does not (an addon's groupName
and cost, a product's description and allowQuantityDecrease, a service's description and
displayOnly). Half its edits go to objects whose change has not started yet (where a PUT
built from the check's read would lose them); it edits only objects the files keep: one the
plan deletes goes, with its edits, as reviewed.

An edit counts once the server confirmed it (a 204). A PUT answered otherwise than 204, 400,
401, 429 or 503 may have written (a 502 after the write), and one that ended without an answer
(a timeout, a dropped connection) may land at any moment, after a later edit even; either
carries the whole object as read before, so that object is never edited or checked again
(:attr:`UiEditor.uncertain`).
Afterwards :meth:`UiEditor.lost` reads every field edited (its last edit) and names those
that no longer hold the edited value: apply wrote over an edit it never saw, a lost update
(docs/contracts.md, "Edits during apply"). An edit apply refused to overwrite stays, so it is
kept, not lost.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from catalog_sync.apply import OperationResult, Phase, SilentListener
from catalog_sync.plan.model import Change
from tests.apply.support import SELLER, TOKEN_AUTH, TOKEN_FORM

# Per kind: (field, managed by the chaos catalog?)
FIELDS: dict[str, tuple[tuple[str, bool], ...]] = {
    "service": (("description", False), ("displayOnly", False), ("vendorName", True)),
    "product": (("description", False), ("allowQuantityDecrease", False), ("name", True)),
    "addon": (("groupName", False), ("cost", False), ("price", True), ("name", True)),
}
MANAGED_SHARE = 0.2
"""The share of edits that change a field the files manage: most edits are of the fields a
UI user changes without the catalog knowing, the others trip the stale-plan checks."""
PAUSE_SECONDS = 0.005
"""Between two edits: a busy UI user, not a flood that would make every check stale."""
REFRESH_SHARE = 0.02
"""How often the objects are listed again (those apply created since)."""
ATTEMPTS = 20
SURELY_NOT_DONE = frozenset({400, 401, 429, 503})
"""Answers after which a PUT surely did not write (docs/contracts.md, "Client")."""


@dataclass
class Edit:
    path: str
    field: str
    value: Any
    managed: bool
    key: str
    sent_at: float
    answered_at: float
    """Wall clock around its PUT: it landed in between."""


@dataclass
class UiEditor:
    """Start with :meth:`start`, stop with :meth:`stop`; then :meth:`lost`."""

    url: str
    seed: int
    keep: frozenset[str]
    """The natural keys (service names, item codes) the files keep."""
    focus: set[str] = field(default_factory=set)
    writing: threading.Event = field(default_factory=threading.Event)
    """Set when apply starts writing (the check is done)."""
    changing: dict[str, list[float]] = field(default_factory=dict)
    """Natural key -> wall clock when apply started its change, and when that change ended."""
    edits: dict[tuple[str, str], Edit] = field(default_factory=dict)
    uncertain: set[str] = field(default_factory=set)
    """Objects a PUT of which ended without an answer: not edited or checked again."""
    attempts: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    errors: list[str] = field(default_factory=list)

    def start(self, focus: frozenset[str] = frozenset()) -> None:
        """List the objects to edit, then edit from a thread of its own from apply's first
        write (:class:`EditorListener`) until :meth:`stop`. ``focus``: the natural keys of
        the objects the plan changes; half the edits go to those whose change has not
        started yet, where a PUT built from the check's read would lose them."""
        self.focus = set(focus)
        session = _session(self.url)
        http = session.__enter__()
        objects = self._objects(http)
        self._thread = threading.Thread(
            target=self._run, args=(session, http, objects), name="ui-editor", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    @property
    def managed_edits(self) -> int:
        return sum(1 for edit in self.edits.values() if edit.managed)

    def in_window(self, edit: Edit) -> bool:
        """Whether ``edit`` landed while apply's change of its object was in flight: from its
        start (the re-read right before the PUT) to its end (the PUT answered)."""
        span = self.changing.get(edit.key)
        if span is None or len(span) < 2:
            return False
        return span[0] <= edit.answered_at and edit.sent_at <= span[1]

    def lost(self) -> list[tuple[Edit, Any]]:
        """Each edit (the last of its field) no longer there, with what is there now."""
        with _session(self.url) as http:
            gone: list[tuple[Edit, Any]] = []
            for edit in self.edits.values():
                current = _get(http, edit.path)
                if current is None or not _same(current.get(edit.field), edit.value):
                    gone.append((edit, None if current is None else current.get(edit.field)))
            return gone

    # ------------------------------------------------------------------------ the thread

    def _run(
        self, session: _session, http: httpx.Client, objects: list[tuple[str, str, str]]
    ) -> None:
        rnd = random.Random(self.seed)
        try:
            with session:
                while not self.writing.is_set() and not self._stop.is_set():
                    self._stop.wait(PAUSE_SECONDS)
                while not self._stop.is_set():
                    if not objects or rnd.random() < REFRESH_SHARE:
                        objects = self._objects(http) or objects
                    focus = set(self.focus)
                    focused = [o for o in objects if o[2] in focus]
                    chosen = focused if focused and rnd.random() < 0.5 else objects
                    if chosen:
                        self._edit(http, rnd, *rnd.choice(chosen))
                    self._stop.wait(PAUSE_SECONDS)
        except Exception as error:  # reported by the suite, never swallowed
            self.errors.append(f"{type(error).__name__}: {error}")

    def _objects(self, http: httpx.Client) -> list[tuple[str, str, str]]:
        """(kind, path, key) of every live object the files keep; [] when a list failed."""
        found: list[tuple[str, str, str]] = []
        services = _get(http, f"{SELLER}/services")
        if services is None:
            return []
        for service in services:
            if service["name"] not in self.keep:
                continue
            path = f"{SELLER}/services/{service['id']}"
            found.append(("service", path, service["name"]))
            for product in _get(http, f"{path}/products") or []:
                if product["itemCode"] not in self.keep:
                    continue
                product_path = f"{path}/products/{product['id']}"
                found.append(("product", product_path, product["itemCode"]))
                found.extend(
                    ("addon", f"{product_path}/addons/{addon['id']}", addon["itemCode"])
                    for addon in _get(http, f"{product_path}/addons") or []
                    if addon["itemCode"] in self.keep
                )
        return found

    def _edit(self, http: httpx.Client, rnd: random.Random, kind: str, path: str, key: str) -> None:
        managed = rnd.random() < MANAGED_SHARE
        name = rnd.choice([f for f, is_managed in FIELDS[kind] if is_managed is managed])
        if path in self.uncertain:
            return
        current = _get(http, path)
        if current is None:
            return
        self.attempts += 1
        value = _new_value(name, current.get(name), self.attempts)
        body = {k: v for k, v in current.items() if k not in ("id", "publish", "currencies")}
        body[name] = value
        sent_at = time.time()
        try:
            response = http.put(path, json=body)
        except httpx.HTTPError:
            response = None
        if response is not None and response.status_code == 204:
            edit = Edit(path, name, value, managed, key, sent_at, time.time())
            self.edits[(path, name)] = edit
        elif response is None or response.status_code not in SURELY_NOT_DONE:
            # Perhaps done (a 502 after the write), perhaps later (a timeout), and with every
            # field of the object as read before: the object is left alone from now on.
            self.uncertain.add(path)
            for edited in [k for k in self.edits if k[0] == path]:
                del self.edits[edited]


class EditorListener(SilentListener):
    """Tells the editor when apply starts writing and which changes have started."""

    def __init__(self, editor: UiEditor) -> None:
        self.editor = editor

    def phase(self, phase: Phase, total: int) -> None:
        if phase is Phase.APPLYING:
            self.editor.writing.set()

    def started(self, change: Change) -> None:
        key = change.address.key or ""
        self.editor.changing[key] = [time.time()]
        self.editor.focus.discard(key)

    def finished(self, result: OperationResult) -> None:
        span = self.editor.changing.get(result.address.key or "")
        if span is not None:
            span.append(time.time())


def _new_value(name: str, old: Any, serial: int) -> Any:
    if isinstance(old, bool) or name in ("displayOnly", "allowQuantityDecrease"):
        return not old
    if name in ("price", "cost"):
        return float(Decimal(serial % 9000 + 100) / 100)
    return f"UI edit {serial}"


def _same(actual: Any, edited: Any) -> bool:
    if isinstance(edited, float) and isinstance(actual, int | float):
        return Decimal(str(actual)) == Decimal(str(edited))
    return bool(actual == edited)


class _session:  # noqa: N801 - used as a context manager, like a function
    """A plain httpx client with its own token; retried past the faults of the chaos mix."""

    def __init__(self, url: str) -> None:
        # Long past a hang fault: an unanswered PUT makes its object unusable for the check.
        self.http = httpx.Client(base_url=url, timeout=30)

    def __enter__(self) -> httpx.Client:
        for _ in range(ATTEMPTS):
            try:
                token = self.http.post("/connect/token", data=TOKEN_FORM, auth=TOKEN_AUTH)
            except httpx.HTTPError:
                continue
            if token.status_code == 200:
                self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
                return self.http
        raise AssertionError("the UI editor could not log in")

    def __exit__(self, *exc: object) -> None:
        self.http.close()


def _get(http: httpx.Client, path: str) -> Any:
    """The JSON at ``path``, retried past faults; None when it is gone (404)."""
    for _ in range(ATTEMPTS):
        try:
            response = http.get(path)
        except httpx.HTTPError:
            continue
        if response.status_code == 200:
            return response.json()
        if response.status_code == 404:
            return None
        if response.status_code == 401:
            token = http.post("/connect/token", data=TOKEN_FORM, auth=TOKEN_AUTH)
            if token.status_code == 200:
                http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    raise AssertionError(f"the UI editor could not read {path}")
