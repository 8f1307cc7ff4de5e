import json
import os
import subprocess
import sys
import unittest

from support import ENV, HOST, needs_server, write_report

# Registered before the client, so it runs after the client's own atexit flush (LIFO).
SCRIPT = r'''
import atexit, json, os, sys
results = []
atexit.register(lambda: print(json.dumps([[p.result(0).ok, p.event_id] for p in results])))
from zenovay import Client
client = Client(os.environ['CODE'], os.environ['HOST'], api_key=os.environ['KEY'], flush_interval=60)
for i in range(50):
    results.append(client.track_event('exit', 'srv-exit-12345', 'https://example.com/exit/%d' % i))
print(json.dumps(client.pending), file=sys.stderr)
'''


@needs_server
class ExitTest(unittest.TestCase):
    def test_pending_events_are_sent_when_the_interpreter_exits(self):
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, CODE=ENV['ZENOVAY_TEST_MISC_CODE'], HOST=HOST, KEY=ENV['ZENOVAY_TEST_API_KEY'])
        env['PYTHONPATH'] = package_root
        done = subprocess.run(
            [sys.executable, '-c', SCRIPT], env=env, capture_output=True, text=True, timeout=60, check=True
        )
        # Nothing was sent before exit: a 60 s linger, no flush() call.
        self.assertEqual(done.stderr.strip(), '50')
        results = json.loads(done.stdout)
        self.assertEqual([ok for ok, _ in results], [True] * 50)
        write_report('exit-ids.json', [event_id for _, event_id in results])
