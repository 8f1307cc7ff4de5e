<?php

declare(strict_types=1);

namespace Zenovay\Tests;

use PHPUnit\Framework\TestCase;
use Zenovay\Checks;
use Zenovay\Client;

/** Revenue and userId: client-side checks agree with the server's verdicts; valid ones are sent. */
final class RevenueTest extends TestCase
{
    private const USER_ID = 'customer-8841@example.org'; // test/clients-harness.ts revenueUserId

    protected function setUp(): void
    {
        Env::requireServer($this);
    }

    public function testEveryCaseGetsTheServersVerdictFieldsAndReasons(): void
    {
        $cases = Env::readJson('revenue-cases.json');
        $this->assertGreaterThan(60, count($cases));
        $wrong = [];
        foreach ($cases as $case) {
            $got = Checks::event($case['revenue'] ?? null, $case['properties'] ?? null, $case['user_id'] ?? null);
            if ($got !== $case['fields']) {
                $wrong[] = ['case' => $case, 'got' => $got];
            }
        }
        $this->assertSame([], array_slice($wrong, 0, 3), count($wrong) . ' disagreements');
    }

    public function testAnInvalidEventSettlesAtOnceWithTheFieldsAndSendsNothing(): void
    {
        $errors = [];
        // Port 9 (discard) on loopback: were anything sent, it would fail with NETWORK_ERROR instead.
        $client = new Client('ZV_unused', 'http://127.0.0.1:9', [
            'onError' => function (array $error) use (&$errors): void {
                $errors[] = $error;
            },
            'flushOnShutdown' => false,
            'maxRetries' => 0,
        ]);
        $result = $client->trackEvent('purchase', 'srv-revenue-php', 'https://example.com/', [], [
            'revenue' => ['amount' => -1, 'currency' => 'usd!'],
        ]);
        $this->assertSame([true, false, 0, 'VALIDATION_ERROR'], [$result->settled, $result->ok, $result->status, $result->code]);
        $this->assertSame(['revenue.currency', 'revenue.amount'], array_column($result->fields, 'field'));
        $this->assertSame($result->fields, $errors[0]['fields']);
        $badUser = $client->trackPageview('srv-revenue-php', 'https://example.com/', '', ['userId' => '']);
        $this->assertSame(['user_id'], array_column($badUser->fields, 'field'));
        $this->assertSame(0, $client->pending());
    }

    public function testTheCurrencyListIsIso4217InUse(): void
    {
        $codes = explode(' ', Checks::CURRENCIES);
        $this->assertContains('USD', $codes);
        $this->assertNotContains('XTS', $codes);
    }

    private function send(Client $client): void
    {
        $results = [
            $client->trackEvent('purchase', 'srv-revenue-php', 'https://example.com/checkout/success', ['order_id' => 'php-1'], [
                'revenue' => ['amount' => '19.90', 'currency' => 'EUR'],
                'userId' => self::USER_ID,
            ]),
            $client->trackEvent('purchase', 'srv-revenue-php', 'https://example.com/checkout/success', [], [
                'revenue' => ['amount' => 99.99, 'currency' => 'usd'],
                'userId' => self::USER_ID,
            ]),
        ];
        $this->assertSame(0, $client->shutdown(30000));
        $this->assertSame([true, true], array_map(fn ($r) => $r->ok, $results));
    }

    public function testImmediateModeSendsRevenueAndUserId(): void
    {
        $this->send(new Client(Env::get('REVENUE_CODE'), Env::get('HOST'), ['defaults' => Env::defaults()]));
    }

    public function testBatchModeSendsRevenueAndUserId(): void
    {
        $this->send(new Client(Env::get('REVENUE_CODE'), Env::get('HOST'), [
            'defaults' => Env::defaults(),
            'apiKey' => Env::get('API_KEY'),
        ]));
    }

    public function testA400PassesTheServersFieldsThrough(): void
    {
        foreach ([null, Env::get('API_KEY')] as $apiKey) {
            $client = new Client(Env::get('REVENUE_CODE'), Env::get('HOST'), ['defaults' => Env::defaults(), 'apiKey' => $apiKey]);
            $result = $client->trackEvent('purchase', 'short', 'not a url');
            $client->shutdown(30000);
            $this->assertSame([400, 'VALIDATION_ERROR'], [$result->status, $result->code]);
            $fields = array_column($result->fields, 'field');
            sort($fields);
            $this->assertSame(['session_id', 'url'], $fields);
        }
    }
}
