"""The queue and its senders: every event ends settled with a result; nothing raises to the caller."""

import heapq
import itertools
import threading
import time
from collections import deque

from .retry import backoff_delay
from .transport import Refused, Retry, Stored


class TrackResult(tuple):
    """What a tracked event came to: ok, HTTP status (0 when no answer), code, duplicate, event_id."""

    # No __slots__: `fields` lives beside the five values, so the tuple stays what it always was.
    _fields = ('ok', 'status', 'code', 'duplicate', 'event_id')

    def __new__(cls, ok, status, code, duplicate, event_id, fields=None):
        result = tuple.__new__(cls, (ok, status, code, duplicate, event_id))
        result._field_errors = fields
        return result

    ok = property(lambda self: self[0], doc='The server acknowledged it (stored, or stored before).')
    status = property(lambda self: self[1])
    code = property(lambda self: self[2], doc='Why it failed: a server code or QUEUE_FULL, CLIENT_CLOSED, ...')
    duplicate = property(lambda self: self[3], doc='The server already had this event_id.')
    event_id = property(lambda self: self[4])
    fields = property(
        lambda self: self._field_errors,
        doc='With VALIDATION_ERROR: [{"field", "reason"}] as the server (or the client, status 0) listed them.',
    )

    def __bool__(self):
        return self[0]

    def __repr__(self):
        text = 'TrackResult(ok=%r, status=%r, code=%r, duplicate=%r, event_id=%r' % tuple(self)
        return text + (', fields=%r)' % (self._field_errors,) if self._field_errors else ')')


class Pending:
    """A tracked event on its way. `result()` waits for its TrackResult; `event_id` is known at once."""

    __slots__ = ('event_id', 'json', 'attempts', 'strikes', 'ready_at', 'unit_cap', '_done', '_result')

    def __init__(self, event_id, json_text):
        self.event_id = event_id
        self.json = json_text
        self.attempts = 0
        self.strikes = 0  # failed tries that count toward max_retries (not those paced by Retry-After)
        self.ready_at = 0.0
        self.unit_cap = float('inf')  # lowered when a batch holding it was too large (413)
        self._done = threading.Event()
        self._result = None

    @classmethod
    def settled_with(cls, result):
        pending = cls(result.event_id, '')
        pending._result = result
        pending._done.set()
        return pending

    def done(self):
        return self._done.is_set()

    def result(self, timeout=None):
        """The TrackResult, waiting up to `timeout` seconds (None: until settled); None if still pending."""
        self._done.wait(timeout)
        return self._result

    def __repr__(self):
        return 'Pending(event_id=%r, result=%r)' % (self.event_id, self._result)


class Delivery:
    """Events wait in `ready` (FIFO) or, after a failed try, in `delayed` (by due time).

    In background mode `concurrency` daemon threads send; in blocking mode the tracking thread sends
    its own event before returning. A Retry-After pauses all sending: it speaks for the server.
    """

    def __init__(self, transport, max_retries, backoff, max_retry_after, on_failure, log, blocking):
        self._transport = transport
        self._max_retries = max_retries
        self._backoff = backoff
        self._max_retry_after = max_retry_after
        self._on_failure = on_failure
        self._log = log
        self._blocking = blocking
        self._cond = threading.Condition()  # an RLock: a hook may track again from a sender thread
        self._ready = deque()
        self._delayed = []
        self._seq = itertools.count()
        self._pending = set()
        self._paused_until = 0.0
        self._send_by = None  # when a partial batch goes anyway
        self._flush_demand = 0
        self._stopped = False
        self._workers = []

    @property
    def size(self):
        return len(self._pending)

    def add(self, event, limit=float('inf')):
        """Queues the event; False (and nothing queued) when `limit` events are already pending."""
        with self._cond:
            if len(self._pending) >= limit:
                return False
            self._pending.add(event)
            self._ready.append(event)
            if self._send_by is None:
                self._send_by = time.monotonic() + self._transport.linger
            if not self._blocking and not self._workers:
                self._start_workers()
            self._cond.notify_all()
        if self._blocking:
            self._work(until=event.done)
        return True

    def flush(self, timeout=None):
        """Waits until every event pending now is settled; partial batches go at once. False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            waiting = list(self._pending)
            if not waiting:
                return True
            self._flush_demand += 1
            self._cond.notify_all()
        try:
            if self._blocking or not self._workers:
                self._work(until=lambda: all(e.done() for e in waiting), deadline=deadline)
            for event in waiting:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                if not event._done.wait(left):
                    return False
            return True
        finally:
            with self._cond:
                self._flush_demand -= 1

    def abandon(self, code, message):
        """Gives up: settles what is left with `code`, stops the senders. Returns how many were left."""
        with self._cond:
            left = list(self._pending)
            for event in left:
                self._settle(event, TrackResult(False, 0, code, False, event.event_id), message)
            self._stopped = True
            self._cond.notify_all()
        return len(left)

    def stop(self, join_timeout=1.0):
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        for worker in self._workers:
            if worker is not threading.current_thread():
                worker.join(join_timeout)

    # -- internals; everything below runs with self._cond held unless it says otherwise --

    def _start_workers(self):
        for index in range(self._transport.concurrency):
            worker = threading.Thread(target=self._work, name='zenovay-sender-%d' % index, daemon=True)
            self._workers.append(worker)
            worker.start()

    def _work(self, until=None, deadline=None):
        """A sender's loop (background), or the caller's own (blocking mode, flush) until `until()`."""
        done = until.is_set if isinstance(until, threading.Event) else until
        with self._cond:
            while True:
                if self._stopped or (done is not None and done()):
                    return
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    return
                unit, wait = self._next_unit(now)
                if unit is None:
                    if deadline is not None:
                        wait = deadline - now if wait is None else min(wait, deadline - now)
                    self._cond.wait(wait)
                    continue
                for event in unit:
                    event.attempts += 1
                self._transport.reserve()
                self._cond.release()
                try:
                    kind, payload = self._transport.send(unit)
                except Exception as error:  # a sender thread must never die
                    kind, payload = 'all', Retry(0, 'NETWORK_ERROR', repr(error), None)
                finally:
                    self._cond.acquire()
                self._transport.release(time.monotonic())
                if kind == 'split':
                    self._split(unit)
                elif kind == 'all':
                    for event in unit:
                        self._apply(event, payload)
                else:
                    for event, outcome in zip(unit, payload):
                        self._apply(event, outcome)
                self._cond.notify_all()

    def _next_unit(self, now):
        """The next request's events, or (None, seconds to wait; None = until something happens)."""
        while self._delayed and self._delayed[0][0] <= now:
            event = heapq.heappop(self._delayed)[2]
            if not event.done():
                self._ready.append(event)
                self._send_by = now  # a retried event has waited enough already
        wake = self._delayed[0][0] - now if self._delayed else None
        while self._ready and self._ready[0].done():
            self._ready.popleft()
        if not self._ready:
            self._send_by = None
            return None, wake
        if now < self._paused_until:
            return None, _earliest(self._paused_until - now, wake)
        budget = self._transport.wait(now)
        if budget is None or budget > 0:
            return None, _earliest(budget, wake)
        full = len(self._ready) >= self._transport.max_events
        lingering = not full and not self._blocking and self._flush_demand == 0
        if lingering and self._send_by is not None and now < self._send_by:
            return None, _earliest(self._send_by - now, wake)
        unit = self._take_unit()
        if not self._ready:
            self._send_by = None
        return unit, None

    def _take_unit(self):
        """FIFO, within the transport's count and byte limits."""
        cap = self._transport.max_events
        max_bytes = self._transport.max_bytes
        unit = []
        size = 0
        while self._ready and len(unit) < cap:
            event = self._ready[0]
            if event.done():
                self._ready.popleft()
                continue
            grows = len(event.json) + 1
            if unit and (size + grows > max_bytes or len(unit) >= event.unit_cap):
                break
            self._ready.popleft()
            unit.append(event)
            size += grows
            cap = min(cap, event.unit_cap)
        return unit

    def _split(self, unit):
        """A 413: halve the batch. One event alone that is still too large can never be stored."""
        if len(unit) == 1:
            event = unit[0]
            result = TrackResult(False, 413, 'PAYLOAD_TOO_LARGE', False, event.event_id)
            self._settle(event, result, 'the event alone is larger than the server accepts')
            return
        cap = (len(unit) + 1) // 2
        self._log('batch of %d was too large; resending in batches of %d' % (len(unit), cap))
        for event in unit:
            event.attempts -= 1  # a split is not a failed try
            event.unit_cap = min(event.unit_cap, cap)
        self._ready.extendleft(reversed(unit))
        self._send_by = time.monotonic()

    def _apply(self, event, outcome):
        if event.done():
            return
        if isinstance(outcome, Stored):
            self._settle(event, TrackResult(True, outcome.status, None, outcome.duplicate, event.event_id), '')
            return
        failed = TrackResult(
            False, outcome.status, outcome.code, False, event.event_id, getattr(outcome, 'fields', None)
        )
        if isinstance(outcome, Refused):
            self._settle(event, failed, outcome.message)
            return
        # A Retry-After is the server pacing us, not the event failing: it costs no retry.
        if outcome.retry_after is None:
            event.strikes += 1
        if event.strikes > self._max_retries:
            self._settle(event, failed, 'gave up after %d tries: %s' % (event.attempts, outcome.message))
            return
        now = time.monotonic()
        server_wait = 0.0
        if outcome.retry_after is not None:
            server_wait = min(outcome.retry_after, self._max_retry_after)
            self._paused_until = max(self._paused_until, now + server_wait)
        delay = max(backoff_delay(max(1, event.strikes), *self._backoff), server_wait)
        event.ready_at = now + delay
        heapq.heappush(self._delayed, (event.ready_at, next(self._seq), event))
        self._log('retry %d of %s in %.3f s (%s)' % (event.attempts, event.event_id, delay, outcome.code))

    def _settle(self, event, result, message):
        if event.done():
            return
        self._pending.discard(event)
        event._result = result
        event._done.set()
        if not result.ok:
            self._on_failure(event, result, message)


def _earliest(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
