<?php

declare(strict_types=1);

namespace Zenovay;

/**
 * Client-side checks of revenue and user_id, the same in meaning as the server's
 * (packages/server/src/ingest/revenue.ts and validate.ts): an event the server would refuse with
 * 400 for these fields is refused here first, with the same fields and reasons, and nothing is
 * sent. The server is JavaScript, so strings are measured in UTF-16 units, trimmed of JavaScript's
 * whitespace and upper-cased with its full case mapping; test/clients-php.test.ts checks the
 * verdicts against the server's own.
 */
final class Checks
{
    /** ISO 4217 codes in current use: the list the server reads from its ICU data (Node 20). */
    public const CURRENCIES = 'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XDR XOF XPF XSU YER ZAR ZMW ZWG ZWL';

    private const MAX_DECIMALS = 4;
    private const USER_ID_MAX = 256;
    /** JavaScript's String.prototype.trim: WhiteSpace and LineTerminator code points. */
    private const JS_SPACE = '[\x{0009}-\x{000D}\x{0020}\x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]';
    /** The only non-ASCII letters whose JavaScript upper case is ASCII (checked over all of Unicode). */
    private const UPPER_TO_ASCII = [
        "\u{DF}" => 'SS', "\u{131}" => 'I', "\u{17F}" => 'S', "\u{FB00}" => 'FF', "\u{FB01}" => 'FI',
        "\u{FB02}" => 'FL', "\u{FB03}" => 'FFI', "\u{FB04}" => 'FFL', "\u{FB05}" => 'ST', "\u{FB06}" => 'ST',
    ];

    /** @return list<array{field:string, reason:string}> the offending fields; [] when the server would accept these */
    public static function event(mixed $revenue, mixed $properties, mixed $userId): array
    {
        $fields = [];
        $fail = function (string $field, string $reason) use (&$fields): void {
            $fields[] = ['field' => $field, 'reason' => $reason];
        };
        if ($revenue !== null) {
            if (!is_array($revenue) || (array_is_list($revenue) && $revenue !== [])) {
                $fail('revenue', 'must be an object {"amount": 12.5, "currency": "EUR"}');
            } else {
                self::currency($revenue['currency'] ?? null, 'revenue.currency', $fail);
                self::amount($revenue['amount'] ?? null, 'revenue.amount', $fail);
            }
        } elseif (is_array($properties)) {
            $currency = $properties['currency'] ?? null;
            if ($currency !== null && $currency !== '') {
                self::currency($currency, 'properties.currency', $fail);
                self::amount($properties['value'] ?? null, 'properties.value', $fail);
            }
        }
        if ($userId !== null) {
            if (!is_string($userId)) {
                $fail('user_id', 'must be a string');
            } elseif (self::utf16Length($userId) > self::USER_ID_MAX) {
                $fail('user_id', 'must be at most ' . self::USER_ID_MAX . ' characters');
            } elseif ($userId === '') {
                $fail('user_id', 'must be at least 1 characters');
            } elseif (str_contains($userId, "\0")) {
                $fail('user_id', 'must not contain NUL characters');
            }
        }
        return $fields;
    }

    /** Length in UTF-16 units, as JavaScript counts it. */
    public static function utf16Length(string $text): int
    {
        $points = preg_match_all('/./su', $text);
        if ($points === false) {
            return strlen($text); // not UTF-8: every byte becomes one U+FFFD when encoded
        }
        return $points + (int) preg_match_all('/[\x{10000}-\x{10FFFF}]/u', $text);
    }

    private static function currency(mixed $value, string $field, callable $fail): void
    {
        if ($value === null || $value === '') {
            $fail($field, 'is required with an amount: an ISO 4217 code such as "USD"');
        } elseif (!is_string($value)) {
            $fail($field, 'must be an ISO 4217 currency code such as "USD"');
        } else {
            $code = strtoupper(strtr(self::trim($value), self::UPPER_TO_ASCII));
            if (preg_match('/^[A-Z]{3}$/', $code) !== 1 || !str_contains(' ' . self::CURRENCIES . ' ', " $code ")) {
                $shown = self::utf16Prefix($value, 16);
                $fail($field, "\"$shown\" is not an ISO 4217 currency code in use (such as \"USD\", \"EUR\")");
            }
        }
    }

    private static function amount(mixed $value, string $field, callable $fail): void
    {
        if (is_int($value)) {
            $text = (string) $value;
        } elseif (is_float($value)) {
            if (!is_finite($value)) {
                $fail($field, 'must be a finite number');
                return;
            }
            $text = self::floatText($value);
        } elseif (is_string($value)) {
            $text = self::trim($value);
        } elseif ($value === null) {
            $fail($field, 'is required: a number or decimal string such as 19.99');
            return;
        } else {
            $fail($field, 'must be a number or a decimal string such as "19.99"');
            return;
        }
        if (str_starts_with($text, '-')) {
            $fail($field, 'must not be negative');
            return;
        }
        if (preg_match('/^([0-9]+)(?:\.([0-9]+))?\z/', $text, $match) !== 1) {
            $fail($field, 'must be a number or a decimal string such as "19.99"');
            return;
        }
        $whole = ltrim($match[1], '0');
        if (strlen(rtrim($match[2] ?? '', '0')) > self::MAX_DECIMALS) {
            $fail($field, 'has more than ' . self::MAX_DECIMALS . ' decimals; send it rounded as you charged it');
        } elseif (strlen($whole) > 12) {
            $fail($field, 'must be below 1,000,000,000,000');
        }
    }

    /** The text JSON carries for a float and the server reads (JavaScript's shortest form). */
    private static function floatText(float $value): string
    {
        if ($value == 0.0) {
            return '0'; // JavaScript writes -0 as "0"
        }
        $text = json_encode($value); // the shortest round-trip form (serialize_precision -1)
        if (stripos($text, 'e') !== false) {
            return abs($value) < 1 ? sprintf('%.20F', $value) : sprintf('%.0F', $value < 0 ? ceil($value) : floor($value));
        }
        return str_ends_with($text, '.0') ? substr($text, 0, -2) : $text;
    }

    private static function trim(string $text): string
    {
        return (string) preg_replace('/^' . self::JS_SPACE . '+|' . self::JS_SPACE . '+\z/u', '', $text);
    }

    /** The first $units UTF-16 units (a character that would be cut in half is left out). */
    private static function utf16Prefix(string $text, int $units): string
    {
        $out = '';
        $count = 0;
        foreach (preg_split('//u', $text, -1, PREG_SPLIT_NO_EMPTY) ?: [] as $char) {
            $count += strlen($char) === 4 ? 2 : 1;
            if ($count > $units) {
                break;
            }
            $out .= $char;
        }
        return $out;
    }
}
