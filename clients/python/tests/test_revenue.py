"""Revenue and user_id: client-side checks agree with the server's verdicts; valid ones are sent."""

import decimal
import unittest

from zenovay import Client
from zenovay.checks import CURRENCIES, check_event

from support import ENV, HOST, defaults, needs_server, read_json

USER_ID = 'customer-8841@example.org'  # test/clients-harness.ts revenueUserId


@needs_server
class RevenueChecksTest(unittest.TestCase):
    def test_every_case_gets_the_servers_verdict_fields_and_reasons(self):
        cases = read_json('revenue-cases.json')
        self.assertGreater(len(cases), 60)
        wrong = []
        for case in cases:
            got = check_event(case.get('revenue'), case.get('properties'), case.get('user_id'))
            if got != case['fields']:
                wrong.append((case, got))
        self.assertEqual(wrong[:3], [], '%d disagreements' % len(wrong))

    def test_an_invalid_event_settles_at_once_with_the_fields_and_sends_nothing(self):
        errors = []
        # Port 9 (discard) on loopback: were anything sent, it would fail with NETWORK_ERROR instead.
        client = Client('ZV_unused', 'http://127.0.0.1:9', on_error=errors.append, flush_at_exit=False)
        result = client.track_event(
            'purchase', 'srv-revenue-py', 'https://example.com/', revenue={'amount': -1, 'currency': 'usd!'}
        ).result(0)
        self.assertEqual((result.ok, result.status, result.code), (False, 0, 'VALIDATION_ERROR'))
        self.assertEqual([f['field'] for f in result.fields], ['revenue.currency', 'revenue.amount'])
        self.assertEqual(errors[0]['fields'], result.fields)
        bad_user = client.track_pageview('srv-revenue-py', 'https://example.com/', user_id='').result(0)
        self.assertEqual([f['field'] for f in bad_user.fields], ['user_id'])
        self.assertEqual(client.close(1), 0)

    def test_the_currency_list_is_iso_4217_in_use(self):
        self.assertIn('USD', CURRENCIES)
        self.assertIn('CHF', CURRENCIES)
        self.assertNotIn('XTS', CURRENCIES)
        self.assertNotIn('DEM', CURRENCIES)


@needs_server
class RevenueDeliveryTest(unittest.TestCase):
    def send(self, client):
        pending = [
            client.track_event(
                'purchase',
                'srv-revenue-py',
                'https://example.com/checkout/success',
                {'order_id': 'py-1'},
                revenue={'amount': decimal.Decimal('19.90'), 'currency': 'EUR'},
                user_id=USER_ID,
            ),
            client.track_event(
                'purchase',
                'srv-revenue-py',
                'https://example.com/checkout/success',
                revenue={'amount': 99.99, 'currency': 'usd'},
                user_id=USER_ID,
            ),
        ]
        client.close(30)
        self.assertEqual([p.result(0).ok for p in pending], [True, True])

    def test_single_transport_sends_revenue_and_user_id(self):
        self.send(Client(ENV['ZENOVAY_TEST_REVENUE_CODE'], HOST, defaults=defaults(), blocking=True))

    def test_batch_transport_sends_revenue_and_user_id(self):
        self.send(
            Client(
                ENV['ZENOVAY_TEST_REVENUE_CODE'],
                HOST,
                api_key=ENV['ZENOVAY_TEST_API_KEY'],
                defaults=defaults(),
                flush_interval=0.01,
            )
        )

    def test_a_400_passes_the_servers_fields_through(self):
        for api_key in (None, ENV['ZENOVAY_TEST_API_KEY']):
            client = Client(
                ENV['ZENOVAY_TEST_REVENUE_CODE'], HOST, api_key=api_key, defaults=defaults(), flush_interval=0.01
            )
            pending = client.track_event('purchase', 'short', 'not a url')
            client.close(30)
            result = pending.result(0)
            self.assertEqual((result.status, result.code), (400, 'VALIDATION_ERROR'))
            self.assertEqual(sorted(f['field'] for f in result.fields), ['session_id', 'url'])
            self.assertTrue(all(f['reason'] for f in result.fields))
