"""Client: server-side tracking with the Node SDK's guarantees (ids at track time, retries, batching)."""

import atexit
import datetime
import json
import platform
import sys
import threading

from ._version import __version__
from .bots import is_bot
from .budget import PUBLIC_INGEST_LIMITS
from .checks import amount_for_json, check_event
from .delivery import Delivery, Pending, TrackResult
from .retry import DEFAULT_BACKOFF
from .transport import BatchTransport, HttpPoster, SingleTransport
from .uuid7 import uuid7


def server_defaults():
    """The device fields a server sends (it has no browser); the agent passes the server's bot filter."""
    system = platform.system()
    return {
        'device_type': 'server',
        'browser': 'server',
        'os': {'Darwin': 'macOS'}.get(system, system or 'unknown'),
        'user_agent': 'Zenovay-Py/' + __version__,
    }


class Client:
    """Tracks events to a Zenovay server.

    Without `api_key`, each event is posted to the public POST /e/{tracking_code}, within a client
    budget matching the server's per-IP limits; with an API key that has the `ingest` scope, events
    are batched to POST /api/v1/events. Every event gets its `event_id` when tracked, and retries
    resend that id, so the server stores it once however often it is sent.

    By default, daemon threads send in the background and `track_*` return a Pending at once; pending
    events are flushed at interpreter exit. With `blocking=True` (scripts, cron jobs), `track_*`
    return only once the event was acknowledged or failed for good.
    """

    def __init__(
        self,
        tracking_code,
        host,
        api_key=None,
        defaults=None,
        *,
        blocking=False,
        max_queue_size=100000,
        concurrency=None,
        max_retries=15,
        backoff=DEFAULT_BACKOFF,
        max_retry_after=3600.0,
        request_timeout=10.0,
        rate_limit=PUBLIC_INGEST_LIMITS,
        batch_size=100,
        max_batch_bytes=512 * 1024,
        flush_interval=1.0,
        flush_at_exit=True,
        exit_timeout=10.0,
        on_error=None,
        debug=False,
    ):
        self._defaults = server_defaults()
        self._defaults.update(defaults or {})
        self._batched = bool(api_key)
        self._max_queue_size = max_queue_size
        self._on_error = on_error
        self._debug = debug
        self._exit_timeout = exit_timeout
        self._closed = False
        self._lock = threading.Lock()
        poster = HttpPoster(host, request_timeout)
        self._poster = poster
        if self._batched:
            transport = BatchTransport(
                poster,
                tracking_code,
                api_key,
                concurrency or 2,
                min(1000, max(1, batch_size)),
                max_batch_bytes,
                flush_interval,
            )
        else:
            transport = SingleTransport(poster, tracking_code, concurrency or 4, rate_limit)
        self._delivery = Delivery(
            transport,
            max_retries,
            tuple(backoff),
            max_retry_after,
            self._failed,
            self._log,
            blocking,
        )
        self._at_exit_registered = flush_at_exit
        if flush_at_exit:
            atexit.register(self._at_exit)

    # -- the spec's helpers --

    def track_event(
        self,
        name,
        session_id,
        url,
        properties=None,
        event_id=None,
        *,
        referrer=None,
        visitor_id=None,
        user_agent=None,
        client_ip=None,
        timestamp=None,
        revenue=None,
        user_id=None,
    ):
        """A custom event (event_type "custom"). Returns a Pending; never raises.

        `revenue={'amount': 49.90, 'currency': 'EUR'}` (amount a number, a decimal string or a
        Decimal, sent exactly) and `user_id` (your id for the person; the server hashes it per site
        into the visitor id) are checked as the server checks them: an invalid one settles at once
        with VALIDATION_ERROR and `result.fields`, and nothing is sent.
        """
        base = {'event_type': 'custom', 'event_name': name}
        if referrer is not None:
            base['referrer'] = referrer
        base['properties'] = {} if properties is None else properties
        if revenue is not None:
            base['revenue'] = (
                dict(revenue, amount=amount_for_json(revenue['amount']))
                if isinstance(revenue, dict) and 'amount' in revenue
                else revenue
            )
        return self._track(
            base, session_id, url, event_id, visitor_id, user_agent, client_ip, timestamp, user_id
        )

    def track_pageview(
        self,
        session_id,
        url,
        referrer='',
        *,
        event_id=None,
        visitor_id=None,
        user_agent=None,
        client_ip=None,
        timestamp=None,
        user_id=None,
    ):
        """A pageview. Returns a Pending; never raises."""
        base = {'event_type': 'pageview', 'referrer': referrer}
        return self._track(
            base, session_id, url, event_id, visitor_id, user_agent, client_ip, timestamp, user_id
        )

    is_bot = staticmethod(is_bot)

    def flush(self, timeout=None):
        """Waits until every event tracked so far is acknowledged or failed for good. False on timeout."""
        return self._delivery.flush(timeout)

    def close(self, timeout=10.0):
        """Stops taking events, delivers what is pending within `timeout` s; returns how many were not."""
        with self._lock:
            if self._closed:
                return 0
            self._closed = True
        if self._at_exit_registered:
            atexit.unregister(self._at_exit)
        undelivered = 0
        if not self._delivery.flush(timeout):
            undelivered = self._delivery.abandon(
                'SHUTDOWN_TIMEOUT', 'not delivered within the %s s shutdown timeout' % timeout
            )
        self._delivery.stop()
        self._poster.close()
        return undelivered

    @property
    def pending(self):
        """Events not yet settled."""
        return self._delivery.size

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- internals --

    def _track(self, base, session_id, url, event_id, visitor_id, user_agent, client_ip, timestamp, user_id):
        # Everything, even reading the caller's arguments, stays inside the never-raise promise.
        the_id = ''
        try:
            the_id = event_id if event_id is not None else uuid7()
            invalid = check_event(base.get('revenue'), base.get('properties'), user_id)
            if invalid:
                message = 'invalid event: ' + '; '.join('%s %s' % (f['field'], f['reason']) for f in invalid)
                return self._refuse('VALIDATION_ERROR', message, the_id, invalid)
            payload = dict(base)
            if user_id is not None:
                payload['user_id'] = user_id
            payload['url'] = url
            payload['session_id'] = session_id
            if visitor_id is not None:
                payload['visitor_id'] = visitor_id
            payload.update(self._defaults)
            if user_agent is not None:
                payload['user_agent'] = user_agent
            payload['event_id'] = the_id
            if self._batched:
                if client_ip is not None:
                    payload['client_ip'] = client_ip
                if timestamp is not None:
                    payload['timestamp'] = _iso(timestamp)
            elif client_ip is not None or timestamp is not None:
                self._log('client_ip and timestamp need an api_key (batch transport); ignored')
            text = json.dumps(payload, separators=(',', ':'), allow_nan=False)
        except Exception as error:  # never raise to the caller
            return self._refuse('INVALID_EVENT', str(error), str(the_id))
        if self._closed:
            return self._refuse('CLIENT_CLOSED', 'the client is closed', the_id)
        event = Pending(the_id, text)
        # The check and the add are one step under the queue's lock: concurrent callers cannot overshoot.
        if not self._delivery.add(event, self._max_queue_size):
            return self._refuse('QUEUE_FULL', '%d events are already pending' % self._max_queue_size, the_id)
        return event

    def _refuse(self, code, message, event_id, fields=None):
        result = TrackResult(False, 0, code, False, event_id, fields)
        self._report(code, 0, message, event_id, 0, fields)
        return Pending.settled_with(result)

    def _failed(self, event, result, message):
        self._report(result.code, result.status, message, event.event_id, event.attempts, result.fields)

    def _report(self, code, status, message, event_id, attempts, fields=None):
        self._log('event %s failed: %s %s' % (event_id, code, message))
        if self._on_error is None:
            return
        error = {'code': code, 'status': status, 'message': message, 'event_id': event_id, 'attempts': attempts}
        if fields:
            error['fields'] = fields
        try:
            self._on_error(error)
        except Exception:
            pass  # a raising hook must not break delivery of other events

    def _log(self, message):
        if not self._debug:
            return
        try:
            if callable(self._debug):
                self._debug('[zenovay] ' + message)
            else:
                sys.stderr.write('[zenovay] %s\n' % message)
        except Exception:
            pass

    def _at_exit(self):
        self.close(self._exit_timeout)


def _iso(value):
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Epoch milliseconds, as in the Node SDK and the HTTP API.
        seconds = value / 1000.0
        moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
        return moment.isoformat(timespec='milliseconds').replace('+00:00', 'Z')
    raise TypeError('timestamp must be a datetime, an ISO 8601 string or epoch milliseconds')


