<?php

declare(strict_types=1);

namespace Zenovay;

/** Time-ordered event ids (UUIDv7, RFC 9562), made when an event is tracked. */
final class Uuid7
{
    private static int $lastMs = -1;
    private static int $counter = 0;

    /** 48 bits of Unix ms, a 12-bit counter seeded randomly each ms (stays ordered), 62 random bits. */
    public static function generate(?int $nowMs = null): string
    {
        $rand = random_bytes(10);
        $ms = max(0, $nowMs ?? (int) floor(microtime(true) * 1000));
        if ($ms > self::$lastMs) {
            self::$lastMs = $ms;
            self::$counter = ((ord($rand[0]) & 0x07) << 8) | ord($rand[1]);
        } else {
            $ms = self::$lastMs; // the clock stood still or stepped back
            self::$counter++;
            if (self::$counter > 0xfff) {
                self::$lastMs++;
                $ms = self::$lastMs;
                self::$counter = 0;
            }
        }
        $hex = str_pad(dechex($ms), 12, '0', STR_PAD_LEFT)
            . dechex(0x7000 | self::$counter)
            . dechex(0x8000 | (ord($rand[2]) & 0x3f) << 8 | ord($rand[3]))
            . bin2hex(substr($rand, 4, 6));
        return sprintf('%s-%s-%s-%s-%s', substr($hex, 0, 8), substr($hex, 8, 4), substr($hex, 12, 4), substr($hex, 16, 4), substr($hex, 20, 12));
    }
}
