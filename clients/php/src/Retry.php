<?php

declare(strict_types=1);

namespace Zenovay;

/** Backoff and Retry-After: pure functions, the same rules as the Node SDK. */
final class Retry
{
    /**
     * Delay in ms before retry number $attempt (1 = first retry): exponential growth capped at
     * $maxMs, with "equal jitter" (half fixed for spacing, half random so clients spread out).
     */
    public static function backoffDelay(int $attempt, int $baseMs = 200, int $maxMs = 30000, ?float $random = null): int
    {
        $exponent = min(max($attempt, 1) - 1, 30);
        $step = min($maxMs, $baseMs * 2 ** $exponent);
        $jitter = min(max($random ?? mt_rand() / mt_getrandmax(), 0.0), 1.0);
        return (int) round($step / 2 + $step / 2 * $jitter);
    }

    /**
     * Milliseconds to wait from a Retry-After header (RFC 9110 10.2.3): whole seconds or an
     * HTTP-date (a past date means 0). Null when absent or unreadable. $nowMs is Unix time in ms.
     */
    public static function parseRetryAfter(?string $value, int $nowMs): ?int
    {
        if ($value === null) {
            return null;
        }
        $text = trim($value);
        if ($text === '') {
            return null;
        }
        if (preg_match('/^\d+$/D', $text) === 1) {
            return strlen($text) > 15 ? null : (int) $text * 1000;
        }
        if (preg_match('/^(?:[A-Za-z]{3},? |[A-Za-z]+day, )/', $text) !== 1) {
            return null;
        }
        $at = strtotime($text);
        if ($at === false) {
            return null;
        }
        return max(0, $at * 1000 - $nowMs);
    }

    /** 408, 429 and 5xx may succeed later; every other 4xx will not. */
    public static function isRetryableStatus(int $status): bool
    {
        return $status === 408 || $status === 429 || $status >= 500;
    }
}
