"""Client-side request budget for the public endpoint, mirroring the server's per-IP limits."""

import bisect

#: The public endpoint's per-IP limits (spec): 60 per 10 s, 5,000 per hour, as (limit, seconds).
PUBLIC_INGEST_LIMITS = ((60, 10.0), (5000, 3600.0))


class RequestBudget:
    """A request may start only if, counting it, no trailing window holds more than `limit`.

    A request counts from when it starts (reserve) and is dated by when its answer came (release).
    The server counts it somewhere between the two, so it never sees more than its limit: a busy
    backend queues instead of burning requests on 429s. Not thread-safe: the caller holds a lock.
    """

    def __init__(self, rules):
        self._rules = tuple(rules)
        self._longest = max([seconds for _, seconds in self._rules] or [0.0])
        self._finished = []
        self._running = 0

    def wait(self, now):
        """Seconds until one more request may start: 0 now, None when only a running request can free budget."""
        cut = bisect.bisect_right(self._finished, now - self._longest)
        if cut > 1024:
            del self._finished[:cut]
        wait = 0.0
        for limit, seconds in self._rules:
            first = bisect.bisect_right(self._finished, now - seconds)
            in_window = len(self._finished) - first
            excess = in_window + self._running + 1 - limit
            if excess <= 0:
                continue
            if excess > in_window:
                return None
            wait = max(wait, self._finished[first + excess - 1] + seconds - now)
        return max(0.0, wait)

    def reserve(self):
        self._running += 1

    def release(self, now):
        self._running = max(0, self._running - 1)
        bisect.insort(self._finished, now)
