import threading
import unittest

import zenovay
from zenovay import Client, is_bot

from support import ENV, HOST, defaults, needs_server, read_json, write_report


@needs_server
class BotAgreementTest(unittest.TestCase):
    def test_is_bot_agrees_with_the_server_on_the_shared_table(self):
        table = read_json('bot-agents.json')
        self.assertGreater(len(table), 500)
        wrong = [(agent, expected) for agent, expected in table if is_bot(agent) != expected]
        self.assertEqual(wrong[:5], [], '%d disagreements' % len(wrong))


@needs_server
class HelpersTest(unittest.TestCase):
    def track_cases(self, client):
        pending = []
        for case in read_json('cases.json'):
            if case['kind'] == 'event':
                extra = {'referrer': case['referrer']} if 'referrer' in case else {}
                pending.append(
                    client.track_event(
                        case['name'], case['sessionId'], case['url'], case.get('properties'), **extra
                    )
                )
            elif 'referrer' in case:
                pending.append(client.track_pageview(case['sessionId'], case['url'], case['referrer']))
            else:
                pending.append(client.track_pageview(case['sessionId'], case['url']))
        return pending

    def test_single_transport_in_blocking_mode(self):
        client = Client(ENV['ZENOVAY_TEST_TRACKING_CODE'], HOST, defaults=defaults(), blocking=True)
        pending = self.track_cases(client)
        # Blocking: every result is settled before track_* returned.
        self.assertTrue(all(p.done() for p in pending))
        self.assertEqual(client.close(), 0)
        results = [p.result(0) for p in pending]
        self.assertEqual([(r.ok, r.status, r.duplicate) for r in results], [(True, 202, False)] * len(results))
        write_report('helpers-single.json', [r.event_id for r in results])

    def test_batch_transport_in_the_background(self):
        client = Client(
            ENV['ZENOVAY_TEST_TRACKING_CODE'], HOST, api_key=ENV['ZENOVAY_TEST_API_KEY'], defaults=defaults()
        )
        pending = self.track_cases(client)
        self.assertTrue(client.flush(30))
        client.close()
        results = [p.result(0) for p in pending]
        self.assertEqual([(r.ok, r.duplicate) for r in results], [(True, False)] * len(results))
        self.assertTrue(all(r.event_id == p.event_id for r, p in zip(results, pending)))
        write_report('helpers-batch.json', [r.event_id for r in results])


@needs_server
class DeliveryTest(unittest.TestCase):
    """Against a site of its own (the helper site's rows are compared one for one)."""

    code = 'ZV_no_such_site'

    def test_default_agent_passes_the_server_bot_filter(self):
        client = Client(ENV['ZENOVAY_TEST_MISC_CODE'], HOST, blocking=True)
        result = client.track_pageview('srv-default-agent', 'https://example.com/agent').result(0)
        client.close()
        self.assertEqual((result.ok, result.status), (True, 202), result)

    def test_refusals_are_final_after_one_try_and_reported_once(self):
        errors = []
        client = Client(
            ENV['ZENOVAY_TEST_TRACKING_CODE'], HOST, blocking=True, on_error=errors.append, defaults=defaults()
        )
        invalid = client.track_event('x', 'short', 'not a url').result(0)
        bot = client.track_pageview('srv-12345678', 'https://e.com/', user_agent='curl/8.4').result(0)
        unknown = Client(self.code, HOST, blocking=True, on_error=errors.append)
        nowhere = unknown.track_pageview('srv-12345678', 'https://e.com/').result(0)
        client.close()
        unknown.close()
        self.assertEqual(
            [(r.ok, r.status, r.code) for r in (invalid, bot, nowhere)],
            [(False, 400, 'VALIDATION_ERROR'), (False, 403, 'BOT_DETECTED'), (False, 404, 'UNKNOWN_TRACKING_CODE')],
        )
        self.assertEqual(
            [(e['code'], e['attempts'], e['event_id']) for e in errors],
            [
                ('VALIDATION_ERROR', 1, invalid.event_id),
                ('BOT_DETECTED', 1, bot.event_id),
                ('UNKNOWN_TRACKING_CODE', 1, nowhere.event_id),
            ],
        )

    def test_an_event_id_sent_twice_is_stored_once_and_reported_duplicate(self):
        client = Client(ENV['ZENOVAY_TEST_MISC_CODE'], HOST, blocking=True)
        args = ('purchase', 'srv-evt-1234', 'https://e.com/paid', None, 'evt_py_1Nq2x3y4z5')
        first = client.track_event(*args).result(0)
        second = client.track_event(*args).result(0)
        client.close()
        self.assertEqual([first.ok, first.duplicate, second.ok, second.duplicate], [True, False, True, True])
        write_report('duplicate-ids.json', ['evt_py_1Nq2x3y4z5'])

    def test_a_full_queue_answers_queue_full_at_once(self):
        errors = []
        # Nothing listens on port 9 (discard): events stay pending, retrying.
        client = Client(self.code, 'http://127.0.0.1:9', max_queue_size=3, on_error=lambda e: errors.append(e['code']))
        pending = [client.track_pageview('srv-queue-1', 'https://e.com/%d' % i) for i in range(5)]
        self.assertEqual([p.result(0).code for p in pending[3:]], ['QUEUE_FULL', 'QUEUE_FULL'])
        self.assertEqual(client.pending, 3)
        self.assertEqual(client.close(timeout=0.2), 3)
        self.assertEqual([p.result(0).code for p in pending[:3]], ['SHUTDOWN_TIMEOUT'] * 3)
        self.assertEqual(errors, ['QUEUE_FULL', 'QUEUE_FULL'] + ['SHUTDOWN_TIMEOUT'] * 3)

    def test_bad_input_and_a_closed_client_settle_without_raising(self):
        def raising_hook(_error):
            raise RuntimeError('a hook that raises')

        client = Client(self.code, HOST, on_error=raising_hook)
        odd = client.track_event('x', 'srv-12345678', 'https://e.com/', {'when': threading.Lock()}).result(0)
        nan = client.track_event('x', 'srv-12345678', 'https://e.com/', {'n': float('nan')}).result(0)
        self.assertEqual([odd.code, nan.code], ['INVALID_EVENT', 'INVALID_EVENT'])
        self.assertEqual(client.close(), 0)
        late = client.track_pageview('srv-12345678', 'https://e.com/').result(0)
        self.assertEqual((late.ok, late.code), (False, 'CLIENT_CLOSED'))

    def test_version_is_exported(self):
        self.assertRegex(zenovay.__version__, r'^\d+\.\d+\.\d+$')


@needs_server
class SplitTest(unittest.TestCase):
    def test_a_413_halves_the_batch_until_it_fits_and_one_oversized_event_fails_alone(self):
        limit = int(ENV['ZENOVAY_TEST_BATCH_BODY_LIMIT'])
        log = []
        client = Client(
            ENV['ZENOVAY_TEST_MISC_CODE'],
            HOST,
            api_key=ENV['ZENOVAY_TEST_API_KEY'],
            batch_size=200,
            max_batch_bytes=10 * limit,
            debug=log.append,
        )
        pad = 'x' * (limit // 100)
        pending = [
            client.track_event('split', 'srv-split-12345', 'https://example.com/s/%d' % i, {'pad': pad})
            for i in range(200)
        ]
        huge = client.track_event('split', 'srv-split-12345', 'https://example.com/huge', {'pad': 'x' * limit})
        self.assertTrue(client.flush(60))
        client.close()
        self.assertEqual([p.result(0).ok for p in pending], [True] * 200)
        self.assertEqual((huge.result(0).ok, huge.result(0).status, huge.result(0).code), (False, 413, 'PAYLOAD_TOO_LARGE'))
        self.assertTrue(any('too large' in line for line in log), log[:3])
