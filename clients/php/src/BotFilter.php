<?php

declare(strict_types=1);

namespace Zenovay;

/**
 * The server's bot rules (BotPatterns.php is generated from their one source). The server runs
 * JavaScript regexes over UTF-16 text; PCRE runs here in byte mode over the agent mapped to ASCII
 * plus markers, which the translated patterns know: U+2028/U+2029 become \x82, other JavaScript
 * whitespace \x81, every other UTF-16 unit \x80 (an astral character is two).
 */
final class BotFilter
{
    private const JS_SPACES = [
        "\u{a0}", "\u{1680}", "\u{2000}", "\u{2001}", "\u{2002}", "\u{2003}", "\u{2004}", "\u{2005}",
        "\u{2006}", "\u{2007}", "\u{2008}", "\u{2009}", "\u{200a}", "\u{202f}", "\u{205f}", "\u{3000}",
        "\u{feff}",
    ];

    /**
     * True when the server would refuse this agent as a bot (BOT_DETECTED). Blank counts as a bot.
     * The same steps as the server (packages/server/src/ingest/bot-filter.ts): headless browsers;
     * browser-shaped agents by the lists with the device model blanked; other agents by the names
     * the lists give, then, with contact URLs removed, by a self-given bot name or a client library.
     */
    public static function isBot(?string $userAgent): bool
    {
        $agent = self::jsEquivalent($userAgent ?? '');
        if (preg_match('/^[\t\n\x0b\x0c\r \x81\x82]*$/D', $agent) === 1) {
            return true;
        }
        if (self::anyOf(BotPatterns::HEADLESS, $agent)) {
            return true;
        }
        if (self::anyOf([BotPatterns::BROWSER_SHAPE], $agent)) {
            $masked = (string) preg_replace('/' . BotPatterns::DEVICE_MODEL . '/iD', '$1-', $agent);
            return self::anyOf(BotPatterns::BROWSER, $masked);
        }
        if (self::anyOf(BotPatterns::NAMED, $agent)) {
            return true;
        }
        $names = (string) preg_replace('/' . BotPatterns::CONTACT . '/iD', ' ', $agent);
        return self::anyOf(BotPatterns::SELF_NAMED, $names) || self::anyOf(BotPatterns::CLIENT, $names);
    }

    /** @param list<string> $patterns */
    private static function anyOf(array $patterns, string $subject): bool
    {
        foreach ($patterns as $pattern) {
            $result = preg_match('/' . $pattern . '/iD', $subject);
            if ($result === false) {
                throw new \RuntimeException('bot pattern failed: ' . preg_last_error_msg());
            }
            if ($result === 1) {
                return true;
            }
        }
        return false;
    }

    /** The agent as the patterns see it; invalid UTF-8 is read as U+FFFD, as json_encode sends it. */
    public static function jsEquivalent(string $agent): string
    {
        if (preg_match('/[\x80-\xff]/', $agent) !== 1) {
            return $agent;
        }
        if (preg_match('//u', $agent) !== 1) {
            $agent = (string) json_decode((string) json_encode($agent, JSON_INVALID_UTF8_SUBSTITUTE));
        }
        return (string) preg_replace_callback('/[^\x00-\x7f]/u', static function (array $m): string {
            $char = $m[0];
            if ($char === "\u{2028}" || $char === "\u{2029}") {
                return "\x82";
            }
            if (in_array($char, self::JS_SPACES, true)) {
                return "\x81";
            }
            return strlen($char) === 4 ? "\x80\x80" : "\x80";
        }, $agent);
    }
}
