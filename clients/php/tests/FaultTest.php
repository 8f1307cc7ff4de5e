<?php

declare(strict_types=1);

namespace Zenovay\Tests;

use PHPUnit\Framework\TestCase;
use Zenovay\Client;
use Zenovay\TrackResult;

/** Through the fault proxy (503s, connections cut after the server stored, 429 + Retry-After). */
final class FaultTest extends TestCase
{
    protected function setUp(): void
    {
        Env::requireServer($this);
    }

    private function runProfile(string $transport, array $options): void
    {
        $count = (int) Env::get('FAULT_COUNT');
        $upper = strtoupper($transport);
        $log = [];
        $client = new Client(Env::get("FAULT_{$upper}_CODE"), Env::get("FAULT_{$upper}_HOST"), $options + [
            'defaults' => Env::defaults(),
            'deferred' => true,
            'debug' => static function (string $line) use (&$log): void {
                $log[] = $line;
            },
            // Real time: a short backoff keeps the run brief; enough retries that a long unlucky
            // streak (40% of requests fail) never gives up. Retry-After is still obeyed in full.
            'backoff' => ['baseMs' => 20, 'maxMs' => 1000],
            'maxRetries' => 40,
        ]);
        $results = [];
        for ($i = 0; $i < $count; $i++) {
            $results[] = $client->trackEvent('fault', 'srv-session-' . ($i % 211), 'https://example.com/item/' . ($i % 97), ['n' => $i]);
        }
        $this->assertSame(0, $client->shutdown(120000));
        $failed = array_values(array_filter($results, static fn (TrackResult $r): bool => !$r->ok));
        $this->assertSame([], array_map(static fn (TrackResult $r): ?string => $r->code, array_slice($failed, 0, 5)), count($failed) . ' failed');
        // A connection cut after the server stored the event makes its retry a duplicate, not a row.
        $this->assertNotEmpty(array_filter($results, static fn (TrackResult $r): bool => $r->duplicate));
        // Retry-After: 1 was obeyed as a whole-second pause.
        $waits = [];
        foreach ($log as $line) {
            if (preg_match('/ in (\d+) ms \(HTTP_429\)/', $line, $m) === 1) {
                $waits[] = (int) $m[1];
            }
        }
        $this->assertGreaterThanOrEqual(1000, max($waits ?: [0]));
        Env::writeReport("fault-$transport.json", array_map(static fn (TrackResult $r): string => $r->eventId, $results));
    }

    public function testSingleTransportDeliversEveryEventOnce(): void
    {
        $this->runProfile('single', ['rateLimit' => false]);
    }

    public function testBatchTransportDeliversEveryEventOnce(): void
    {
        $this->runProfile('batch', ['apiKey' => Env::get('API_KEY'), 'batchSize' => 20]);
    }
}
