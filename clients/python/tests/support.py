"""Where the real server is: set by test/clients-python.test.ts (npm test). Without it, server tests skip."""

import json
import os
import unittest

ENV = os.environ
HOST = ENV.get('ZENOVAY_TEST_HOST')
REPORT_DIR = ENV.get('ZENOVAY_TEST_REPORT_DIR')

needs_server = unittest.skipUnless(HOST and REPORT_DIR, 'run through npm test (it starts the real server)')


def defaults():
    return json.loads(ENV['ZENOVAY_TEST_DEFAULTS'])


def read_json(name):
    with open(os.path.join(REPORT_DIR, name), encoding='utf-8') as handle:
        return json.load(handle)


def write_report(name, event_ids):
    """Event ids for the Node side, which checks them in the store."""
    with open(os.path.join(REPORT_DIR, name), 'w', encoding='utf-8') as handle:
        json.dump(list(event_ids), handle)
