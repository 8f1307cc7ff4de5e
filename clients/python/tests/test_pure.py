import re
import time
import unittest

from zenovay import backoff_delay, is_bot, parse_retry_after, server_defaults
from zenovay.budget import RequestBudget
from zenovay.uuid7 import uuid7


class BackoffTest(unittest.TestCase):
    def test_grows_exponentially_with_equal_jitter_and_a_cap(self):
        self.assertEqual(backoff_delay(1, 0.2, 30, random=lambda: 0), 0.1)
        self.assertEqual(backoff_delay(1, 0.2, 30, random=lambda: 1), 0.2)
        self.assertAlmostEqual(backoff_delay(3, 0.2, 30, random=lambda: 0.5), 0.6)
        self.assertEqual(backoff_delay(40, 0.2, 30, random=lambda: 1), 30)
        self.assertEqual(backoff_delay(40, 0.2, 30, random=lambda: 0), 15)
        self.assertEqual(backoff_delay(0, 0.2, 30, random=lambda: 2), 0.2)  # clamped


class RetryAfterTest(unittest.TestCase):
    def test_seconds_dates_and_garbage(self):
        now = 1_700_000_000.0
        self.assertEqual(parse_retry_after('5', now), 5.0)
        self.assertEqual(parse_retry_after(' 0 ', now), 0.0)
        self.assertIsNone(parse_retry_after(None, now))
        self.assertIsNone(parse_retry_after('', now))
        self.assertIsNone(parse_retry_after('-1', now))
        self.assertIsNone(parse_retry_after('2026-01-01', now))
        self.assertIsNone(parse_retry_after('soon', now))
        self.assertEqual(parse_retry_after('Tue, 14 Nov 2023 22:13:30 GMT', now), 10.0)
        self.assertEqual(parse_retry_after('Sunday, 06-Nov-94 08:49:37 GMT', now), 0.0)  # past: now


class Uuid7Test(unittest.TestCase):
    def test_shape_version_variant_and_order(self):
        # A future millisecond: ids made earlier in this process must not hold the clock back.
        future = int(time.time() * 1000) + 10**9
        ids = [uuid7(future) for _ in range(5000)] + [uuid7(future + 1)]
        for value in ids[:3] + ids[-1:]:
            self.assertRegex(value, r'^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(set(ids)), len(ids))
        prefix = '%012x' % future
        self.assertTrue(ids[0].startswith(prefix[:8] + '-' + prefix[8:]), (ids[0], prefix))


class BudgetTest(unittest.TestCase):
    def test_mirrors_the_server_windows(self):
        budget = RequestBudget([(2, 10.0)])
        self.assertEqual(budget.wait(0.0), 0.0)
        budget.reserve()
        budget.reserve()
        self.assertIsNone(budget.wait(1.0))  # only a running request can free budget
        budget.release(1.0)
        budget.release(2.0)
        self.assertEqual(budget.wait(3.0), 8.0)  # the first leaves the window at 11
        self.assertEqual(budget.wait(11.5), 0.0)


class BotTest(unittest.TestCase):
    def test_default_agent_is_not_a_bot_and_avoids_the_word_python(self):
        agent = server_defaults()['user_agent']
        self.assertTrue(re.match(r'^Zenovay-Py/\d+\.\d+\.\d+$', agent))
        self.assertFalse(is_bot(agent))

    def test_obvious_cases(self):
        self.assertTrue(is_bot('curl/8.4.0'))
        self.assertTrue(is_bot('python-requests/2.31'))
        self.assertTrue(is_bot(''))
        self.assertTrue(is_bot(None))
        self.assertFalse(is_bot('Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0'))

    def test_patterns_compile_fast_enough_to_use_per_request(self):
        started = time.perf_counter()
        for _ in range(200):
            is_bot('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36')
        self.assertLess(time.perf_counter() - started, 5.0)


class PackagingTest(unittest.TestCase):
    def test_pyproject_version_matches_the_package(self):
        import os

        import zenovay

        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        with open(os.path.join(root, 'pyproject.toml'), encoding='utf-8') as handle:
            declared = re.search(r'^version = "(.*)"$', handle.read(), re.M).group(1)
        self.assertEqual(declared, zenovay.__version__)
