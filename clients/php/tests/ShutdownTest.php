<?php

declare(strict_types=1);

namespace Zenovay\Tests;

use PHPUnit\Framework\TestCase;

final class ShutdownTest extends TestCase
{
    protected function setUp(): void
    {
        Env::requireServer($this);
    }

    public function testDeferredEventsAreSentWhenTheScriptEnds(): void
    {
        // The client registers its flush first, so the reporter (registered after) sees it done.
        $script = <<<'PHP'
            require getenv('BOOTSTRAP');
            $client = new Zenovay\Client(getenv('CODE'), getenv('HOST'), ['apiKey' => getenv('KEY')]);
            $results = [];
            for ($i = 0; $i < 50; $i++) {
                $results[] = $client->trackEvent('exit', 'srv-exit-12345', "https://example.com/exit/$i");
            }
            fwrite(STDERR, (string) $client->pending());
            register_shutdown_function(static function () use ($results): void {
                echo json_encode(array_map(static fn ($r) => [$r->ok, $r->eventId], $results));
            });
            PHP;
        $env = [
            'BOOTSTRAP' => __DIR__ . '/bootstrap.php',
            'CODE' => Env::get('MISC_CODE'),
            'HOST' => Env::get('HOST'),
            'KEY' => Env::get('API_KEY'),
        ];
        $process = proc_open([PHP_BINARY, '-r', $script], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        $this->assertIsResource($process);
        $stdout = stream_get_contents($pipes[1]);
        $stderr = stream_get_contents($pipes[2]);
        $this->assertSame(0, proc_close($process), $stderr);
        // Nothing was sent before the end: 50 events are under the batch size of 100.
        $this->assertSame('50', $stderr);
        $results = json_decode((string) $stdout, true);
        $this->assertSame(array_fill(0, 50, true), array_column($results, 0));
        Env::writeReport('exit-ids.json', array_column($results, 1));
    }
}
