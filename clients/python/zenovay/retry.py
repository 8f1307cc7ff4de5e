"""Backoff and Retry-After: pure functions, the same rules as the Node SDK."""

import random as _random
import re
from email.utils import parsedate_to_datetime

DEFAULT_BACKOFF = (0.2, 30.0)  # seconds: cap of the first retry's delay, and of every delay

_DIGITS = re.compile(r'\d+\Z')
_HTTP_DATE = re.compile(r'[A-Za-z]{3},? |[A-Za-z]+day, ')


def backoff_delay(attempt, base=DEFAULT_BACKOFF[0], maximum=DEFAULT_BACKOFF[1], random=_random.random):
    """Delay in seconds before retry number `attempt` (1 = first retry).

    Exponential growth capped at `maximum`, with "equal jitter": half the step fixed (spacing
    between tries), half random (clients that failed together do not retry together).
    """
    exponent = min(max(attempt, 1) - 1, 30)
    step = min(maximum, base * 2 ** exponent)
    jitter = min(max(random(), 0.0), 1.0)
    return step / 2 + step / 2 * jitter


def parse_retry_after(value, now):
    """Seconds to wait from a Retry-After header (RFC 9110 10.2.3), or None when absent or unreadable.

    `now` is Unix time in seconds. Either whole seconds or an HTTP-date; a past date means 0.
    """
    if value is None:
        return None
    text = value.strip()
    if text == '':
        return None
    if _DIGITS.match(text):
        return float(int(text))
    if not _HTTP_DATE.match(text):
        return None
    try:
        at = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, at - now)


def is_retryable_status(status):
    """408, 429 and 5xx may succeed later; every other 4xx will not."""
    return status in (408, 429) or status >= 500
