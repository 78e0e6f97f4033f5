"""Analysis results cached per graph version; read models that follow writes.

Every write that changes data raises the store's version (see
``GraphStore.version``). The cache serves one *generation*: the graph version
its entries were computed for. Two kinds of entry live in it: heavy ones (the
shared read models: the directory used by search, the graph read for selection
or for development; their own small LRU) and light ones (results, most derived
from a heavy one).

**Read models follow writes.** When a request reads a newer version than the
generation, it is answered from the generation at once, and one background step
(one at a time) brings every heavy entry to the store's version: a read model
that knows how (its ``patch``) reads the keys the writes changed from the store's
change log (``GraphStore.changes_since``) and updates the rows of the cadres they
touch, in milliseconds; one that cannot (no log, a write too large to list, a
change to what it cannot patch) is read again whole. When every heavy entry is
done the generation moves forward in one step. Light entries are dropped then,
unless the caller said how they follow a step (``follow``: a post's candidates are
kept when none of the cadres the writes touched could change them, and otherwise
have those cadres' rows ranked again and merged in).
Readers never wait for a step while an older value exists. Under a stream of
writes a step starts no sooner than ``rebuild_gap`` seconds (or the last step's
own duration, if longer) after the previous one ended, so an answer shared by
everyone is at most about that far behind the last write; a reader that demands a
newer version does not wait for the gap. A generation without heavy entries (or a
cache made with ``serve_stale=False``) moves forward at once instead, as a plain
per-version cache.

**Freshness on demand.** A request that must see a given write (an editor's
follow-up read) says so in its :class:`Reading` (over HTTP: the header
``X-Min-Graph-Version: N``, N from the write's answer, or ``Cache-Control:
no-cache`` for the store's current version; a client that keeps cookies gets the
version of its own last write back as the cookie ``graphsvc_written`` and asks for
it without saying so); it alone waits for the step that reaches it (a patch: a few
milliseconds). Per-person reads (a profile, an appointment check) do not go through
the cache and always read the store.

**Which version an answer reflects.** Every value served is noted in the
request's :class:`Reading`; over HTTP, :class:`GraphVersionHeaders` sends the
oldest as ``X-Graph-Version`` (for an answer read from the store directly, the
version read before it; for a write, the version after it). A value is at least as
new as the version it is said to reflect (a read model may already hold rows of a
write that landed while it was read).

**Versions only move forward.** A request that read an older version than the
generation (it started before a write that the cache has already caught up
with) gets a heavy entry of the newer generation (when serving stale), or
computes its answer without caching it; it never sets the cache back. A key computed by one request
is waited for, not recomputed, by concurrent requests for the same key. A
failed step keeps the generation, is logged, and is tried again by a request
at least ``retry_after`` seconds later; a patch that fails is logged and the read
model is read whole instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphsvc.changes import ChangeSet, Patched
from graphsvc.stores import GraphStore

__all__ = [
    "AnalysisCache",
    "Follow",
    "GraphVersionHeaders",
    "Patched",
    "Reading",
    "Step",
    "note_write",
    "reading",
]

T = TypeVar("T")
log = logging.getLogger("graphsvc.api.cache")

VERSION_HEADER = "X-Graph-Version"
MIN_VERSION_HEADER = "X-Min-Graph-Version"
WRITTEN_COOKIE = "graphsvc_written"  # the version of the client's own last write


@dataclass
class Reading:
    """One request's dealings with the cache: how fresh it must be, and what it was served.

    Attributes
    ----------
    at_least : int or None
        The oldest graph version the request accepts (capped at the store's version when
        read); None accepts whatever the cache serves.
    fresh : bool
        Accept nothing older than the store's version when the cache reads it.
    served : list of int
        The graph version of every value the cache gave the request.
    """

    at_least: int | None = None
    fresh: bool = False
    served: list[int] = field(default_factory=list)
    wrote: int | None = None  # the graph version after this request's own write

    @property
    def version(self) -> int | None:
        """The graph version the request's answer reflects (its oldest part); None if the
        cache served it nothing."""
        return min(self.served) if self.served else None

    def wanted(self, store_version: int) -> int | None:
        """The oldest generation this request accepts, given the store's version."""
        wanted = store_version if self.fresh else None
        if self.at_least is not None:
            wanted = max(wanted or 0, min(self.at_least, store_version))
        return wanted


_current: ContextVar[Reading | None] = ContextVar("graphsvc_reading", default=None)


@contextmanager
def reading(*, at_least: int | None = None, fresh: bool = False) -> Iterator[Reading]:
    """Within the block, cache reads of this context (and the threads it hands work to)
    honour ``at_least`` / ``fresh`` and note what they serve in the yielded Reading."""
    record = Reading(at_least=at_least, fresh=fresh)
    token = _current.set(record)
    try:
        yield record
    finally:
        _current.reset(token)


def note_write(version: int) -> None:
    """Say that the current request wrote, leaving the graph at ``version`` (its client's
    later reads then ask for at least that version: read your writes)."""
    record = _current.get()
    if record is not None:
        record.wrote = max(version, record.wrote or 0)


Patch = Callable[[Any, ChangeSet], Patched | None]


class Step:
    """The move of the generation since a result was computed (one step or several): what
    the writes changed, and each read model patched all the way (never read whole since):
    its value now and the ids whose rows changed on the way."""

    def __init__(self, changes: ChangeSet | None, patched: dict[Hashable, Patched]):
        self.changes = changes
        self._patched = patched

    def patched(self, key: Hashable) -> Patched | None:
        """The heavy entry ``key`` as patched; None when it was read whole on the way."""
        return self._patched.get(key)


@dataclass(frozen=True)
class _StepRecord:
    """What one step did: the changes, and per heavy entry its changed ids (None: read
    whole). Results that missed steps follow all of them at once from these records."""

    changes: ChangeSet | None
    changed: dict[Hashable, frozenset[str] | None]


@dataclass
class _StepState:
    """A step under way: the changes it follows and each heavy entry it has brought."""

    changes: ChangeSet | None
    built: dict[Hashable, _Heavy] = field(default_factory=dict)
    patched: dict[Hashable, tuple[Any, Patched]] = field(default_factory=dict)


@dataclass
class _Heavy:
    value: Any
    compute: Callable[[], Any]  # kept: a step calls it again when the patch cannot follow
    patch: Patch | None = None


# How a light value follows a step: its value for the new generation (itself when the step
# leaves it right) and how that value follows the next step; None: computed again.
Follow = Callable[[Any, Step], "tuple[Any, Follow] | None"]


@dataclass
class _Light:
    value: Any
    follow: Follow | None = None
    # The step the value is of: one of an earlier step follows the steps since when next
    # asked for (a result nobody asks for again costs nothing).
    at: int = 0


_STEPS_KEPT = 100  # step records kept: a result that missed more is computed again


class AnalysisCache:
    """Results per graph version; heavy read models served stale while one rebuild runs.

    Parameters
    ----------
    max_entries, max_heavy : int
        LRU sizes of the light and the heavy entries; 0 turns that kind of caching off.
    serve_stale : bool
        Answer from the previous generation while the next is built (the service's mode);
        False moves to a new version at once, every reader of it waiting for what it needs.
    retry_after : float
        Seconds after a failed rebuild before a request starts another.
    rebuild_gap : float
        Least seconds from the end of one rebuild to the start of the next (the last
        rebuild's duration if longer), unless a reader demands the newer version; 0 (the
        default) starts the next rebuild as soon as a reader finds the cache behind.
    """

    def __init__(
        self,
        max_entries: int = 256,
        max_heavy: int = 4,
        *,
        serve_stale: bool = True,
        retry_after: float = 1.0,
        rebuild_gap: float = 0.0,
    ) -> None:
        self.max_entries = max_entries
        self.max_heavy = max_heavy
        self.serve_stale = serve_stale
        self.retry_after = retry_after
        self.rebuild_gap = rebuild_gap
        self._next_rebuild = 0.0  # time.monotonic() before which no rebuild starts unasked
        self._lock = threading.Lock()
        self._rebuilt = threading.Condition(self._lock)  # a rebuild ended, well or not
        self._wake = threading.Condition(self._lock)  # a rebuild is asked for
        self._asked: GraphStore | None = None  # the store of the rebuild asked for
        self._version: int | None = None  # the generation: the version the entries are for
        self._light: OrderedDict[Hashable, Any] = OrderedDict()
        self._heavy: OrderedDict[Hashable, _Heavy] = OrderedDict()
        self._computing: dict[tuple[bool, Hashable], threading.Lock] = {}  # (heavy, key)
        self._rebuilding: int | None = None  # the version being built, while a rebuild runs
        self._failed_at: float | None = None
        self._rebuilder: threading.Thread | None = None
        self._in_step = threading.local()  # the step under way, in the rebuild thread
        self._steps: list[_StepRecord] = []  # the last steps' records, the newest last
        self._step_count = 0  # steps so far: the step index of the generation
        self.hits = 0
        self.misses = 0
        self.stale_hits = 0  # answered from an older generation while a newer one was built
        self.rebuilds = 0  # steps: the generation moved forward in the background
        self.rebuild_errors = 0
        self.patches = 0  # heavy entries brought forward by their patch
        self.full_reads = 0  # heavy entries read whole again in a step
        self.kept_results = 0  # light entries a step left in place
        self.last_step_ms: float | None = None

    def stats(self) -> dict[str, int | None]:
        """Counts for ``/health/detail``: the generation, hits, steps, patches."""
        with self._lock:
            return {
                "version": self._version,
                "entries": len(self._light),
                "heavy_entries": len(self._heavy),
                "hits": self.hits,
                "misses": self.misses,
                "stale_hits": self.stale_hits,
                "rebuilds": self.rebuilds,
                "rebuild_errors": self.rebuild_errors,
                "rebuilding": self._rebuilding,
                "patches": self.patches,
                "full_reads": self.full_reads,
                "kept_results": self.kept_results,
                "last_step_ms": None if self.last_step_ms is None else round(self.last_step_ms),
            }

    def get(
        self,
        store: GraphStore,
        key: Hashable,
        compute: Callable[[], T],
        *,
        heavy: bool = False,
        patch: Patch | None = None,
        follow: Follow | None = None,
    ) -> T:
        """The value of ``key`` for the generation served, computed once per generation.

        Heavy entries are the shared read models, brought to a new version in the
        background by ``patch(old value, changes)`` (a :class:`Patched`, or None when the
        changes cannot be patched) or else by ``compute`` again. Light ones are results,
        dropped when the generation moves forward unless ``follow(value, step)`` gives
        their value for the new one (and how that follows the next step).
        """
        step: _StepState | None = getattr(self._in_step, "state", None)
        if step is not None:  # a read model read inside a step: the step's own version
            return cast(T, self._in_step_value(step, key, compute, heavy, patch))
        version = store.version()
        request = _current.get()
        limit = self.max_heavy if heavy else self.max_entries
        if limit <= 0:
            return self._served(request, version, compute())
        wanted = request.wanted(version) if request is not None else None
        with self._lock:
            if self._version is not None and version < self._version:
                # Read before a newer write: never set the cache back. Serving stale, a
                # heavy read model of the newer version beats building one of the old.
                if heavy and self.serve_stale and key in self._heavy:
                    self.hits += 1
                    return self._served(request, self._version, cast(T, self._heavy[key].value))
                self.misses += 1
                generation = None
            else:
                generation = self._catch_up(store, version, wanted)
                if generation is not None:
                    found, value = self._lookup(key, heavy)
                    if found:
                        if generation < version:
                            self.stale_hits += 1
                        return self._served(request, generation, cast(T, value))
                    gate = self._computing.setdefault((heavy, key), threading.Lock())
        if generation is None:
            # Its own version's answer, neither cached nor emptying newer entries.
            return self._served(request, version, compute())
        with gate:
            with self._lock:
                found, value = self._lookup(key, heavy)
                if found:  # computed meanwhile (in this generation or, rebuilt, the next)
                    return self._served(request, self._version or generation, cast(T, value))
                pending = self._pending(key, heavy)
                self.misses += pending is None
            try:
                # A result of an earlier step follows the steps since (its own way), else it
                # is computed anew.
                moved = _followed(*pending) if pending is not None else None
                if moved is not None:
                    value, follow = moved
                    with self._lock:
                        self.kept_results += 1
                else:
                    value = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop((heavy, key), None)
                raise
            with self._lock:
                # A result computed from an older generation's read model (served earlier in
                # this request) must not be kept as the newer generation's (one that followed
                # the steps is the generation's).
                older = request is not None and any(v < generation for v in request.served)
                if self._version == generation and (moved is not None or not older):
                    self._store(key, value, compute, heavy, limit, patch, follow)
                self._computing.pop((heavy, key), None)
        return self._served(request, generation, cast(T, value))

    # ------------------------------------------------------------------ internals

    def _catch_up(self, store: GraphStore, version: int, wanted: int | None) -> int | None:
        """Under the lock: the generation to answer from for a reader of ``version``, after
        moving forward or starting a rebuild as needed; None when the reader must compute
        its own answer (it needs a newer generation and no rebuild can give it one now)."""
        while self._version is None or version > self._version:
            # A first heavy build still running counts: moving forward would throw away its
            # result when it lands, and readers of every newer version would build their own.
            first_build = any(is_heavy for is_heavy, _ in self._computing)
            if self._version is None or not self.serve_stale or not (self._heavy or first_build):
                # Nothing heavy to serve meanwhile: move forward now.
                self._light.clear()
                self._heavy.clear()
                self._version = version
                break
            if self._heavy:
                self._start_rebuild(store, urgent=wanted is not None and wanted > self._version)
            if wanted is None or self._version >= wanted:
                break  # answer from the generation served; the rebuild runs on
            if self._rebuilding is None:
                return None  # pausing after a failed rebuild: this reader computes its own
            self._rebuilt.wait()
        return self._version

    def _start_rebuild(self, store: GraphStore, *, urgent: bool = False) -> None:
        """Under the lock: start the background rebuild unless one runs, one just failed, or
        (unless ``urgent``) the last one ended less than the gap ago."""
        if self._rebuilding is not None:
            return
        if not urgent and time.monotonic() < self._next_rebuild:
            return
        if self._failed_at is not None and time.monotonic() - self._failed_at < self.retry_after:
            return
        self._rebuilding = self._version or 0  # the real target is read by the rebuild
        self._asked = store
        if self._rebuilder is None:
            # One long-lived thread (the store keeps a connection per thread that reads it),
            # a daemon: stopping the service does not wait for a rebuild.
            self._rebuilder = threading.Thread(
                target=self._rebuild_when_asked, name="graphsvc-cache-rebuild", daemon=True
            )
            self._rebuilder.start()
        self._wake.notify()

    def _rebuild_when_asked(self) -> None:
        while True:
            with self._lock:
                while self._asked is None:
                    self._wake.wait()
                store, self._asked = self._asked, None
            self._rebuild(store)

    def _rebuild(self, store: GraphStore) -> None:
        """Bring every heavy entry to the store's version (patched, or read whole), then move
        forward at once, keeping the light entries the step leaves right."""
        started = time.monotonic()
        try:
            with self._lock:
                base = self._version
            target = store.version()
            with self._lock:
                self._rebuilding = target
            state = _StepState(_changes_since(store, base))
            built, patched = state.built, state.patched
            self._in_step.state = state
            try:
                for _ in range(3):  # and the heavy keys first read while it ran
                    with self._lock:
                        todo = [(k, e) for k, e in self._heavy.items() if k not in built]
                    if not todo:
                        break
                    for key, entry in todo:
                        if key not in built:  # (or brought forward by one read before it)
                            self._bring(state, key, entry)
            finally:
                self._in_step.state = None
            record = _StepRecord(
                state.changes, {k: patched[k][1].changed if k in patched else None for k in built}
            )
        except Exception:
            # Logged outside the lock: a slow or blocked log must never stall the readers.
            log.exception(
                "rebuilding the cached read models failed; answers stay at the served graph "
                "version and the rebuild is tried again"
            )
            with self._lock:
                self.rebuild_errors += 1
                self._failed_at = time.monotonic()
                self._rebuilding = None
                self._rebuilt.notify_all()
            return
        with self._lock:
            if self._version is None or target > self._version:
                # The LRU order, as used; read models first read inside the step last.
                order = [k for k in self._heavy if k in built]
                order += [k for k in built if k not in self._heavy]
                del order[: max(0, len(order) - self.max_heavy)]  # the least used go
                self._heavy = OrderedDict((k, built[k]) for k in order)
                self._steps = [*self._steps[1 - _STEPS_KEPT :], record]
                self._step_count += 1
                # Results that can follow the steps stay (in their LRU order), to follow
                # them when next asked for; the rest go.
                first = self._step_count - len(self._steps)
                self._light = OrderedDict(
                    (k, e)
                    for k, e in self._light.items()
                    if e.follow is not None and e.at >= first and record.changes is not None
                )
                self._version = target
            self.rebuilds += 1
            self.patches += len(patched)
            self.full_reads += len(built) - len(patched)
            ended = time.monotonic()
            self.last_step_ms = (ended - started) * 1000
            if self.rebuild_gap > 0:
                self._next_rebuild = ended + max(self.rebuild_gap, ended - started)
            self._failed_at = None
            self._rebuilding = None
            self._rebuilt.notify_all()

    def _bring(self, state: _StepState, key: Hashable, entry: _Heavy) -> None:
        """One heavy entry brought to the step's version: patched, else read whole."""
        moved = self._patched(key, entry, state.changes)
        if moved is not None:
            state.patched[key] = (entry.value, moved)
            state.built[key] = _Heavy(moved.value, entry.compute, entry.patch)
        else:
            state.built[key] = _Heavy(entry.compute(), entry.compute, entry.patch)

    def _in_step_value(
        self,
        state: _StepState,
        key: Hashable,
        compute: Callable[[], Any],
        heavy: bool,
        patch: Patch | None,
    ) -> Any:
        """A value asked for while a step runs, in the step's thread (one read model's read
        or patch reading another): the other one as the step brings it forward, so that
        both are of the same version."""
        if not heavy:
            return compute()
        if key not in state.built:
            with self._lock:
                entry = self._heavy.get(key)
            if entry is not None:
                self._bring(state, key, entry)
            else:
                state.built[key] = _Heavy(compute(), compute, patch)
        return state.built[key].value

    @staticmethod
    def _patched(key: Hashable, entry: _Heavy, changes: ChangeSet | None) -> Patched | None:
        """The entry brought forward by its patch; None when it must be read whole."""
        if changes is None or entry.patch is None:
            return None
        try:
            return entry.patch(entry.value, changes)
        except Exception:  # a patch that fails must not stop the read model following writes
            log.exception("patching the read model %r failed; it is read whole instead", key)
            return None

    def _lookup(self, key: Hashable, heavy: bool) -> tuple[bool, Any]:
        """Under the lock: the entry's value, if it has one for the generation (a result
        with steps still to follow has not)."""
        entries: OrderedDict[Hashable, Any] = self._heavy if heavy else self._light
        if key not in entries or (not heavy and entries[key].at != self._step_count):
            return False, None
        entries.move_to_end(key)
        self.hits += 1
        return True, entries[key].value

    def _pending(self, key: Hashable, heavy: bool) -> tuple[_Light, Step] | None:
        """Under the lock: the result under ``key`` of an earlier step, if there is one, and
        the steps since, as one."""
        entry = None if heavy else self._light.get(key)
        if entry is None or entry.at == self._step_count:
            return None
        missed = self._steps[len(self._steps) - (self._step_count - entry.at) :]
        changes: ChangeSet | None = ChangeSet()
        for record in missed:
            if changes is not None:
                changes = None if record.changes is None else changes | record.changes
        patched: dict[Hashable, Patched] = {}
        for name, model in self._heavy.items():
            seen = [record.changed.get(name) for record in missed]
            if all(found is not None for found in seen):
                changed = frozenset().union(*(found for found in seen if found is not None))
                patched[name] = Patched(model.value, changed)
        return entry, Step(changes, patched)

    def _store(
        self,
        key: Hashable,
        value: Any,
        compute: Callable[[], Any],
        heavy: bool,
        limit: int,
        patch: Patch | None,
        follow: Follow | None,
    ) -> None:
        entries: OrderedDict[Hashable, Any] = self._heavy if heavy else self._light
        entries[key] = (
            _Heavy(value, compute, patch) if heavy else _Light(value, follow, self._step_count)
        )
        while len(entries) > limit:
            entries.popitem(last=False)

    @staticmethod
    def _served(request: Reading | None, version: int, value: T) -> T:
        if request is not None:
            request.served.append(version)
        return value


def _changes_since(store: GraphStore, version: int | None) -> ChangeSet | None:
    """What the store's change log says changed since ``version``; None: read everything."""
    read = getattr(store, "changes_since", None)  # stand-in stores in tests may keep no log
    if version is None or read is None:
        return None
    try:
        changes: ChangeSet | None = read(version)
    except Exception:
        log.exception("reading the change log failed; the read models are read whole")
        return None
    return changes


def _followed(entry: _Light, step: Step) -> tuple[Any, Follow] | None:
    """A light entry's value after the step and how it follows the next; None: dropped."""
    if entry.follow is None or step.changes is None:
        return None
    try:
        return entry.follow(entry.value, step)
    except Exception:
        log.exception("bringing a cached result forward after a write failed; dropped")
        return None


def _error(detail: str, value: str) -> JSONResponse:
    problem = {"field": f"header {MIN_VERSION_HEADER}", "message": detail, "value": value}
    return JSONResponse(status_code=422, content={"detail": detail, "errors": [problem]})


class GraphVersionHeaders:
    """ASGI middleware: a request's freshness demand in, the answer's graph version out.

    In: ``X-Min-Graph-Version: N`` (the oldest graph version the answer may reflect, e.g.
    the ``version`` a write returned), ``Cache-Control: no-cache`` (the store's current
    version), or the cookie ``graphsvc_written`` (the version after the client's own last
    write). Out: ``X-Graph-Version``, the version the answer reflects (see the module), and
    after a write (:func:`note_write`) that cookie, so that the writer's next reads, in any
    worker, see the write. Only paths under ``prefix``; the store is the app's
    ``state.store``.
    """

    def __init__(self, app: ASGIApp, prefix: str = "/api/v1") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        at_least: int | None = None
        raw = headers.get(MIN_VERSION_HEADER)
        if raw is not None:
            if not raw.strip().isdigit():
                detail = f"请求头 {MIN_VERSION_HEADER} 应为非负整数（图版本号），收到 {raw!r}"
                await _error(detail, raw)(scope, receive, send)
                return
            at_least = int(raw)
        written = cookie_parser(headers.get("cookie", "")).get(WRITTEN_COOKIE, "")
        if written.isdigit():  # a malformed cookie is ignored: the client did not type it
            at_least = max(at_least or 0, int(written))
        fresh = "no-cache" in headers.get("cache-control", "").lower()
        store: GraphStore | None = getattr(scope["app"].state, "store", None)
        is_read = scope["method"] in {"GET", "HEAD"}
        before = await _version_of(store) if is_read else None

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                version = record.version
                if version is None:
                    version = before if is_read else await _version_of(store)
                answer = MutableHeaders(scope=message)
                if version is not None:
                    answer[VERSION_HEADER] = str(version)
                if record.wrote is not None:
                    answer.append(
                        "set-cookie",
                        f"{WRITTEN_COOKIE}={record.wrote}; Path={self.prefix}; HttpOnly; "
                        "SameSite=Lax",
                    )
            await send(message)

        with reading(at_least=at_least, fresh=fresh) as record:
            await self.app(scope, receive, send_with_version)


async def _version_of(store: GraphStore | None) -> int | None:
    """The store's version, or None when there is no store or it does not answer (the
    endpoint itself then reports that)."""
    if store is None:
        return None
    try:
        return await run_in_threadpool(store.version)
    except Exception:
        return None
