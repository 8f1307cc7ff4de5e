<?php

declare(strict_types=1);

namespace Zenovay\Tests;

use PHPUnit\Framework\TestCase;
use Zenovay\BotFilter;
use Zenovay\Client;
use Zenovay\RequestBudget;
use Zenovay\Retry;
use Zenovay\Uuid7;

final class PureTest extends TestCase
{
    public function testBackoffGrowsWithEqualJitterAndACap(): void
    {
        $this->assertSame(100, Retry::backoffDelay(1, 200, 30000, 0.0));
        $this->assertSame(200, Retry::backoffDelay(1, 200, 30000, 1.0));
        $this->assertSame(600, Retry::backoffDelay(3, 200, 30000, 0.5));
        $this->assertSame(30000, Retry::backoffDelay(40, 200, 30000, 1.0));
        $this->assertSame(15000, Retry::backoffDelay(40, 200, 30000, 0.0));
        $this->assertSame(200, Retry::backoffDelay(0, 200, 30000, 2.0)); // clamped
    }

    public function testRetryAfterSecondsDatesAndGarbage(): void
    {
        $now = 1700000000000;
        $this->assertSame(5000, Retry::parseRetryAfter('5', $now));
        $this->assertSame(0, Retry::parseRetryAfter(' 0 ', $now));
        $this->assertNull(Retry::parseRetryAfter(null, $now));
        $this->assertNull(Retry::parseRetryAfter('', $now));
        $this->assertNull(Retry::parseRetryAfter('-1', $now));
        $this->assertNull(Retry::parseRetryAfter('2026-01-01', $now));
        $this->assertNull(Retry::parseRetryAfter('soon', $now));
        $this->assertSame(10000, Retry::parseRetryAfter('Tue, 14 Nov 2023 22:13:30 GMT', $now));
        $this->assertSame(0, Retry::parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', $now));
    }

    public function testRetryableStatuses(): void
    {
        $this->assertSame([true, true, true, true, false, false, false], array_map(
            [Retry::class, 'isRetryableStatus'],
            [408, 429, 500, 503, 400, 403, 413],
        ));
    }

    public function testUuid7ShapeAndOrder(): void
    {
        $future = (int) floor(microtime(true) * 1000) + 1000000000;
        $ids = [];
        for ($i = 0; $i < 5000; $i++) {
            $ids[] = Uuid7::generate($future);
        }
        foreach ([$ids[0], $ids[4999]] as $id) {
            $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/D', $id);
        }
        $sorted = $ids;
        sort($sorted, SORT_STRING);
        $this->assertSame($sorted, $ids);
        $this->assertCount(5000, array_unique($ids));
        $hex = str_pad(dechex($future), 12, '0', STR_PAD_LEFT);
        $this->assertStringStartsWith(substr($hex, 0, 8) . '-' . substr($hex, 8), $ids[0]);
    }

    public function testBudgetMirrorsTheServerWindows(): void
    {
        $budget = new RequestBudget([['limit' => 2, 'windowMs' => 10000]]);
        $this->assertSame(0.0, $budget->waitMs(0));
        $budget->release(1000);
        $budget->release(2000);
        $this->assertSame(8000.0, $budget->waitMs(3000));
        $this->assertSame(0.0, $budget->waitMs(11500));
    }

    public function testDefaultAgentIsNotABot(): void
    {
        $agent = Client::serverDefaults()['user_agent'];
        $this->assertMatchesRegularExpression('/^Zenovay-PHP\/\d+\.\d+\.\d+$/D', $agent);
        $this->assertFalse(Client::isBot($agent));
    }

    public function testObviousCasesAndInvalidUtf8(): void
    {
        $this->assertTrue(Client::isBot('curl/8.4.0'));
        $this->assertTrue(Client::isBot(''));
        $this->assertTrue(Client::isBot(null));
        $this->assertFalse(Client::isBot('Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0'));
        // Invalid UTF-8 is judged as json_encode would send it (U+FFFD), never as an error.
        $this->assertSame(Client::isBot("Mozilla/5.0 \u{fffd}ab"), Client::isBot("Mozilla/5.0 \xffab"));
        $this->assertSame("Mozilla/5.0 \x80ab", BotFilter::jsEquivalent("Mozilla/5.0 \xffab"));
    }

    public function testUnknownOptionsAreRefusedLoudly(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        new Client('ZV_x', 'http://127.0.0.1:9', ['apikey' => 'typo']);
    }
}
