import re
import unittest

from zenovay import Client

from support import ENV, defaults, needs_server, write_report


@needs_server
class FaultTest(unittest.TestCase):
    """Through the fault proxy (503s, cut connections after the server stored, 429 + Retry-After)."""

    def run_profile(self, transport, **options):
        count = int(ENV['ZENOVAY_TEST_FAULT_COUNT'])
        upper = transport.upper()
        log = []
        client = Client(
            ENV['ZENOVAY_TEST_FAULT_%s_CODE' % upper],
            ENV['ZENOVAY_TEST_FAULT_%s_HOST' % upper],
            defaults=defaults(),
            max_queue_size=count,
            debug=log.append,
            # Real time: a short backoff keeps the run brief; enough retries that a long unlucky
            # streak (40% of requests fail) never gives up. Retry-After is still obeyed in full.
            backoff=(0.05, 1.0),
            max_retries=40,
            **options,
        )
        pending = [
            client.track_event(
                'fault', 'srv-session-%d' % (i % 211), 'https://example.com/item/%d' % (i % 97), {'n': i}
            )
            for i in range(count)
        ]
        self.assertEqual(client.close(timeout=120), 0)
        results = [p.result(0) for p in pending]
        failed = [r for r in results if not r.ok]
        self.assertEqual(failed[:5], [], '%d events failed' % len(failed))
        # A connection cut after the server stored the event makes its retry a duplicate, not a row.
        self.assertTrue(any(r.duplicate for r in results))
        # Retry-After: 1 was obeyed as a whole-second pause.
        waits = [float(m.group(1)) for m in (re.search(r'in ([\d.]+) s \(HTTP_429\)', line) for line in log) if m]
        self.assertTrue(waits and max(waits) >= 1.0, waits[:5])
        write_report('fault-%s.json' % transport, [r.event_id for r in results])

    def test_single_transport_delivers_every_event_once(self):
        self.run_profile('single', rate_limit=None, concurrency=8)

    def test_batch_transport_delivers_every_event_once(self):
        self.run_profile('batch', api_key=ENV['ZENOVAY_TEST_API_KEY'], batch_size=20, concurrency=3)
