<?php

declare(strict_types=1);

namespace Zenovay\Tests;

use PHPUnit\Framework\TestCase;

/** Where the real server is: set by test/clients-php.test.ts (npm test). Without it, server tests skip. */
final class Env
{
    public static function get(string $name): string
    {
        return (string) getenv("ZENOVAY_TEST_$name");
    }

    public static function requireServer(TestCase $test): void
    {
        if (self::get('HOST') === '' || self::get('REPORT_DIR') === '') {
            $test->markTestSkipped('run through npm test (it starts the real server)');
        }
    }

    public static function defaults(): array
    {
        return json_decode(self::get('DEFAULTS'), true, 512, JSON_THROW_ON_ERROR);
    }

    public static function readJson(string $name): array
    {
        return json_decode((string) file_get_contents(self::get('REPORT_DIR') . "/$name"), true, 512, JSON_THROW_ON_ERROR);
    }

    /** Event ids for the Node side, which checks them in the store. */
    public static function writeReport(string $name, array $eventIds): void
    {
        file_put_contents(self::get('REPORT_DIR') . "/$name", json_encode(array_values($eventIds)));
    }
}
