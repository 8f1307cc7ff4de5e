<?php

declare(strict_types=1);

namespace Zenovay\Tests;

use PHPUnit\Framework\TestCase;
use Zenovay\Client;
use Zenovay\TrackResult;

final class SplitTest extends TestCase
{
    protected function setUp(): void
    {
        Env::requireServer($this);
    }

    public function testA413HalvesTheBatchUntilItFitsAndOneOversizedEventFailsAlone(): void
    {
        $limit = (int) Env::get('BATCH_BODY_LIMIT');
        $log = [];
        $client = new Client(Env::get('MISC_CODE'), Env::get('HOST'), [
            'apiKey' => Env::get('API_KEY'),
            'batchSize' => 250,
            'maxBatchBytes' => 10 * $limit,
            'debug' => static function (string $line) use (&$log): void {
                $log[] = $line;
            },
        ]);
        $pad = str_repeat('x', intdiv($limit, 100));
        $results = [];
        for ($i = 0; $i < 200; $i++) {
            $results[] = $client->trackEvent('split', 'srv-split-12345', "https://example.com/s/$i", ['pad' => $pad]);
        }
        $huge = $client->trackEvent('split', 'srv-split-12345', 'https://example.com/huge', ['pad' => str_repeat('x', $limit)]);
        $this->assertTrue($client->flush(60000));
        $client->shutdown();
        $this->assertSame(array_fill(0, 200, true), array_map(static fn (TrackResult $r): bool => $r->ok, $results));
        $this->assertSame([false, 413, 'PAYLOAD_TOO_LARGE'], [$huge->ok, $huge->status, $huge->code]);
        $this->assertNotEmpty(preg_grep('/too large/', $log));
    }
}
