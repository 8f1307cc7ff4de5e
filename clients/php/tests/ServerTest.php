<?php

declare(strict_types=1);

namespace Zenovay\Tests;

use PHPUnit\Framework\TestCase;
use Zenovay\Client;
use Zenovay\TrackResult;

/** Against the real server started by test/clients-php.test.ts. */
final class ServerTest extends TestCase
{
    protected function setUp(): void
    {
        Env::requireServer($this);
    }

    public function testIsBotAgreesWithTheServerOnTheSharedTable(): void
    {
        $table = Env::readJson('bot-agents.json');
        $this->assertGreaterThan(500, count($table));
        $wrong = array_values(array_filter($table, static fn (array $row): bool => Client::isBot($row[0]) !== $row[1]));
        $this->assertSame([], array_slice($wrong, 0, 5), count($wrong) . ' disagreements');
    }

    /** @return list<TrackResult> */
    private function trackCases(Client $client): array
    {
        $results = [];
        foreach (Env::readJson('cases.json') as $case) {
            if ($case['kind'] === 'event') {
                $options = isset($case['referrer']) ? ['referrer' => $case['referrer']] : [];
                $results[] = $client->trackEvent($case['name'], $case['sessionId'], $case['url'], $case['properties'] ?? [], $options);
            } elseif (isset($case['referrer'])) {
                $results[] = $client->trackPageview($case['sessionId'], $case['url'], $case['referrer']);
            } else {
                $results[] = $client->trackPageview($case['sessionId'], $case['url']);
            }
        }
        return $results;
    }

    private static function summary(array $results): array
    {
        return array_map(static fn (TrackResult $r): array => [$r->settled, $r->ok, $r->status, $r->duplicate], $results);
    }

    public function testSingleTransportSendsBeforeReturning(): void
    {
        $client = new Client(Env::get('TRACKING_CODE'), Env::get('HOST'), ['defaults' => Env::defaults()]);
        $results = $this->trackCases($client);
        $this->assertSame(array_fill(0, count($results), [true, true, 202, false]), self::summary($results));
        $this->assertSame(0, $client->shutdown());
        Env::writeReport('helpers-single.json', array_map(static fn (TrackResult $r): string => $r->eventId, $results));
    }

    public function testBatchTransportDefersUntilFlush(): void
    {
        $client = new Client(Env::get('TRACKING_CODE'), Env::get('HOST'), [
            'apiKey' => Env::get('API_KEY'),
            'defaults' => Env::defaults(),
        ]);
        $results = $this->trackCases($client);
        $this->assertSame(count($results), $client->pending());
        $this->assertFalse($results[0]->settled);
        $this->assertTrue($client->flush());
        $this->assertSame(array_fill(0, count($results), [true, true, 202, false]), self::summary($results));
        $client->shutdown();
        Env::writeReport('helpers-batch.json', array_map(static fn (TrackResult $r): string => $r->eventId, $results));
    }

    public function testDefaultAgentPassesTheServerBotFilter(): void
    {
        $client = new Client(Env::get('MISC_CODE'), Env::get('HOST'));
        $result = $client->trackPageview('srv-default-agent', 'https://example.com/agent');
        $client->shutdown();
        $this->assertSame([true, 202], [$result->ok, $result->status], (string) $result->code);
    }

    public function testRefusalsAreFinalAfterOneTryAndReportedOnce(): void
    {
        $errors = [];
        $onError = static function (array $e) use (&$errors): void {
            $errors[] = [$e['code'], $e['attempts'], $e['eventId']];
        };
        $client = new Client(Env::get('TRACKING_CODE'), Env::get('HOST'), ['onError' => $onError, 'defaults' => Env::defaults()]);
        $invalid = $client->trackEvent('x', 'short', 'not a url');
        $bot = $client->trackPageview('srv-12345678', 'https://e.com/', '', ['userAgent' => 'curl/8.4']);
        $unknown = new Client('ZV_no_such_site', Env::get('HOST'), ['onError' => $onError]);
        $nowhere = $unknown->trackPageview('srv-12345678', 'https://e.com/');
        $client->shutdown();
        $unknown->shutdown();
        $this->assertSame(
            [[false, 400, 'VALIDATION_ERROR'], [false, 403, 'BOT_DETECTED'], [false, 404, 'UNKNOWN_TRACKING_CODE']],
            array_map(static fn (TrackResult $r): array => [$r->ok, $r->status, $r->code], [$invalid, $bot, $nowhere]),
        );
        $this->assertSame([
            ['VALIDATION_ERROR', 1, $invalid->eventId],
            ['BOT_DETECTED', 1, $bot->eventId],
            ['UNKNOWN_TRACKING_CODE', 1, $nowhere->eventId],
        ], $errors);
    }

    public function testAnEventIdSentTwiceIsStoredOnceAndReportedDuplicate(): void
    {
        $client = new Client(Env::get('MISC_CODE'), Env::get('HOST'));
        $first = $client->trackEvent('purchase', 'srv-evt-1234', 'https://e.com/paid', [], ['eventId' => 'evt_php_1Nq2x3y4z5']);
        $second = $client->trackEvent('purchase', 'srv-evt-1234', 'https://e.com/paid', [], ['eventId' => 'evt_php_1Nq2x3y4z5']);
        $client->shutdown();
        $this->assertSame([true, false, true, true], [$first->ok, $first->duplicate, $second->ok, $second->duplicate]);
    }

    public function testAFullQueueAnswersQueueFullAtOnce(): void
    {
        $errors = [];
        // Nothing listens on port 9 (discard): deferred events stay pending.
        $client = new Client('ZV_no_such_site', 'http://127.0.0.1:9', [
            'deferred' => true,
            'maxQueueSize' => 3,
            'onError' => static function (array $e) use (&$errors): void {
                $errors[] = $e['code'];
            },
        ]);
        $results = [];
        for ($i = 0; $i < 5; $i++) {
            $results[] = $client->trackPageview('srv-queue-1', "https://e.com/$i");
        }
        $this->assertSame(['QUEUE_FULL', 'QUEUE_FULL'], [$results[3]->code, $results[4]->code]);
        $this->assertSame(3, $client->pending());
        $this->assertSame(3, $client->shutdown(200));
        $this->assertSame(['SHUTDOWN_TIMEOUT', 'SHUTDOWN_TIMEOUT', 'SHUTDOWN_TIMEOUT'], [$results[0]->code, $results[1]->code, $results[2]->code]);
        $this->assertSame(['QUEUE_FULL', 'QUEUE_FULL', 'SHUTDOWN_TIMEOUT', 'SHUTDOWN_TIMEOUT', 'SHUTDOWN_TIMEOUT'], $errors);
    }

    public function testBadInputAndAClosedClientSettleWithoutThrowing(): void
    {
        $client = new Client('ZV_no_such_site', Env::get('HOST'), [
            'onError' => static function (): void {
                throw new \RuntimeException('a hook that throws');
            },
        ]);
        $nan = $client->trackEvent('x', 'srv-12345678', 'https://e.com/', ['n' => NAN]);
        $resource = $client->trackEvent('x', 'srv-12345678', 'https://e.com/', ['r' => fopen('php://memory', 'r')]);
        $this->assertSame(['INVALID_EVENT', 'INVALID_EVENT'], [$nan->code, $resource->code]);
        $this->assertSame(0, $client->shutdown());
        $late = $client->trackPageview('srv-12345678', 'https://e.com/');
        $this->assertSame([false, 'CLIENT_CLOSED'], [$late->ok, $late->code]);
    }
}
