"""How events leave: one per request to /e/{code}, or batches to /api/v1/events with an API key."""

import http.client
import json
import socket
import threading
import time
from collections import namedtuple
from urllib.parse import quote, urlsplit

from ._version import __version__
from .budget import RequestBudget
from .retry import is_retryable_status, parse_retry_after

#: What became of one event after one send.
Stored = namedtuple('Stored', 'status duplicate')
Refused = namedtuple('Refused', 'status code message fields', defaults=(None,))
Retry = namedtuple('Retry', 'status code message retry_after')

#: Per-event codes in a batch answer that mean "not stored this time, try again".
_RETRYABLE_EVENT_CODES = frozenset(['SERVER_BUSY', 'STORE_UNAVAILABLE', 'INTERNAL_ERROR', 'BAD_RESPONSE'])


class HttpPoster:
    """POSTs JSON over one keep-alive connection per sending thread (standard library only)."""

    def __init__(self, host, timeout):
        parts = urlsplit(host)
        if parts.scheme not in ('http', 'https') or not parts.hostname:
            raise ValueError('host must be an http(s) URL, e.g. https://analytics.example.com')
        self._https = parts.scheme == 'https'
        self._netloc = parts.netloc
        self._prefix = parts.path.rstrip('/')
        self._timeout = timeout
        self._local = threading.local()
        self._open = set()  # every thread's connection, so close() can end them all
        self._open_lock = threading.Lock()

    def _connection(self):
        conn = getattr(self._local, 'conn', None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = cls(self._netloc, timeout=self._timeout)
            self._local.conn = conn
            with self._open_lock:
                self._open.add(conn)
        return conn

    def _drop(self):
        conn = getattr(self._local, 'conn', None)
        self._local.conn = None
        if conn is not None:
            with self._open_lock:
                self._open.discard(conn)
            conn.close()

    def post(self, path, body, headers):
        """Returns (status, parsed body, Retry-After) or raises _Failure."""
        all_headers = {
            'content-type': 'application/json',
            'user-agent': 'Zenovay-Py/' + __version__,
        }
        all_headers.update(headers)
        try:
            conn = self._connection()
            conn.request('POST', self._prefix + path, body=body.encode('utf-8'), headers=all_headers)
            response = conn.getresponse()
            text = response.read().decode('utf-8', 'replace')
            retry_after = response.getheader('retry-after')
            if response.getheader('connection', '').lower() == 'close':
                self._drop()
        except socket.timeout:
            self._drop()
            raise _Failure('TIMEOUT', 'no answer within %s s' % self._timeout)
        except (OSError, http.client.HTTPException) as error:
            self._drop()
            raise _Failure('NETWORK_ERROR', '%s: %s' % (type(error).__name__, error))
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text  # not JSON (a proxy's error page)
        return response.status, parsed, retry_after

    def close(self):
        with self._open_lock:
            connections, self._open = self._open, set()
        for conn in connections:
            conn.close()


class _Failure(Exception):
    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code
        self.message = message


def classify(status, body, retry_after):
    """An answer about one event (the public endpoint, or a whole failed batch)."""
    if 200 <= status < 300:
        return Stored(status, isinstance(body, dict) and body.get('duplicate') is True)
    code, message = read_error(body, status)
    if is_retryable_status(status):
        return Retry(status, code, message, parse_retry_after(retry_after, time.time()))
    error = body.get('error') if isinstance(body, dict) else None
    return Refused(status, code, message, read_fields(error.get('fields') if isinstance(error, dict) else None))


def read_fields(value):
    """The server's list of offending fields, unchanged, when it is one ([{"field", "reason"}])."""
    if isinstance(value, list) and all(
        isinstance(item, dict) and isinstance(item.get('field'), str) and isinstance(item.get('reason'), str)
        for item in value
    ):
        return value
    return None


def read_error(body, status):
    """The server's {"error": {"code", "message"}}, or a code made from the status."""
    error = body.get('error') if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get('code'), str):
        message = error.get('message')
        return error['code'], message if isinstance(message, str) else 'HTTP %d' % status
    return 'HTTP_%d' % status, 'The server answered HTTP %d.' % status


class SingleTransport:
    """One event per request to the public POST /e/{trackingCode}, within a client-side budget."""

    max_events = 1
    linger = 0.0

    def __init__(self, poster, tracking_code, concurrency, rate_limit):
        self._poster = poster
        self._path = '/e/' + quote(tracking_code, safe='')
        self.concurrency = concurrency
        self.max_bytes = float('inf')
        self._budget = RequestBudget(rate_limit) if rate_limit else None

    def wait(self, now):
        return self._budget.wait(now) if self._budget else 0.0

    def reserve(self):
        if self._budget:
            self._budget.reserve()

    def release(self, now):
        if self._budget:
            self._budget.release(now)

    def send(self, events):
        try:
            status, body, retry_after = self._poster.post(self._path, events[0].json, {})
        except _Failure as failure:
            return 'all', Retry(0, failure.code, failure.message, None)
        return 'all', classify(status, body, retry_after)


class BatchTransport:
    """Batches to the authenticated POST /api/v1/events; one bad event never sinks the others."""

    def __init__(self, poster, tracking_code, api_key, concurrency, batch_size, max_batch_bytes, linger):
        self._poster = poster
        self._head = '{"tracking_code":%s,"events":[' % json.dumps(tracking_code)
        self._headers = {'authorization': 'Bearer ' + api_key}
        self.concurrency = concurrency
        self.max_events = batch_size
        self.max_bytes = max_batch_bytes - len(self._head) - 2
        self.linger = linger

    def wait(self, now):
        return 0.0

    def reserve(self):
        pass

    def release(self, now):
        pass

    def send(self, events):
        # Events were serialised when tracked; a batch is their texts joined, not re-encoded.
        body = self._head + ','.join(event.json for event in events) + ']}'
        try:
            status, answer, retry_after = self._poster.post('/api/v1/events', body, self._headers)
        except _Failure as failure:
            return 'all', Retry(0, failure.code, failure.message, None)
        if status == 413:
            return 'split', None
        whole = classify(status, answer, retry_after)
        if not isinstance(whole, Stored):
            return 'all', whole
        results = answer.get('results') if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(events):
            return 'all', Retry(status, 'BAD_RESPONSE', 'the batch answer has no matching results list', None)
        return 'each', [_per_event(item, status) for item in results]


def _per_event(item, http_status):
    item = item if isinstance(item, dict) else {}
    status = item.get('status') if isinstance(item.get('status'), int) else http_status
    if item.get('ok') is True:
        return Stored(status, item.get('duplicate') is True)
    code = item.get('code') if isinstance(item.get('code'), str) else 'BAD_RESPONSE'
    message = item.get('message') if isinstance(item.get('message'), str) else 'refused with ' + code
    if code in _RETRYABLE_EVENT_CODES:
        return Retry(status, code, message, None)
    return Refused(status, code, message, read_fields(item.get('fields')))
