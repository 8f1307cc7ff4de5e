"""Time-ordered event ids (UUIDv7, RFC 9562), made when an event is tracked."""

import os
import threading
import time

_lock = threading.Lock()
_last_ms = -1
_counter = 0


def uuid7(now_ms=None):
    """48 bits of Unix milliseconds, a 12-bit counter seeded randomly each millisecond, 62 random bits.

    Ids made by one process sort in the order they were made, even within one millisecond.
    """
    global _last_ms, _counter
    rand = os.urandom(10)
    ms = int(time.time() * 1000) if now_ms is None else max(0, int(now_ms))
    with _lock:
        if ms > _last_ms:
            _last_ms = ms
            _counter = ((rand[0] & 0x07) << 8) | rand[1]  # headroom so it rarely overflows
        else:
            ms = _last_ms  # the clock stood still or stepped back: stay ordered
            _counter += 1
            if _counter > 0xFFF:
                _last_ms += 1
                ms = _last_ms
                _counter = 0
        counter = _counter
    value = (ms & 0xFFFFFFFFFFFF) << 80
    value |= 0x7 << 76 | counter << 64
    value |= 0x2 << 62 | int.from_bytes(rand[2:], 'big') & 0x3FFFFFFFFFFFFFFF
    text = '%032x' % value
    return '%s-%s-%s-%s-%s' % (text[:8], text[8:12], text[12:16], text[16:20], text[20:])
