<?php

declare(strict_types=1);

namespace Zenovay;

/** What became of one event after one send: stored, refused for good, or worth another try. */
final class Outcome
{
    /** Per-event codes in a batch answer that mean "not stored this time, try again". */
    private const RETRYABLE_EVENT_CODES = ['SERVER_BUSY', 'STORE_UNAVAILABLE', 'INTERNAL_ERROR', 'BAD_RESPONSE'];

    private function __construct(
        public readonly string $type, // stored | refused | retry
        public readonly int $status,
        public readonly ?string $code = null,
        public readonly string $message = '',
        public readonly bool $duplicate = false,
        public readonly ?int $retryAfterMs = null,
    ) {
    }

    public static function stored(int $status, bool $duplicate): self
    {
        return new self('stored', $status, null, '', $duplicate);
    }

    public static function refused(int $status, string $code, string $message): self
    {
        return new self('refused', $status, $code, $message);
    }

    public static function retry(int $status, string $code, string $message, ?int $retryAfterMs = null): self
    {
        return new self('retry', $status, $code, $message, false, $retryAfterMs);
    }

    /** An answer about one event (the public endpoint, or a whole failed batch). */
    public static function fromAnswer(array $answer, int $nowMs): self
    {
        if ($answer['kind'] === 'failure') {
            return self::retry(0, $answer['code'], $answer['message']);
        }
        $status = $answer['status'];
        $body = $answer['body'];
        if ($status >= 200 && $status < 300) {
            return self::stored($status, is_array($body) && ($body['duplicate'] ?? null) === true);
        }
        [$code, $message] = self::readError($body, $status);
        if (Retry::isRetryableStatus($status)) {
            return self::retry($status, $code, $message, Retry::parseRetryAfter($answer['retryAfter'], $nowMs));
        }
        return self::refused($status, $code, $message);
    }

    /** One entry of a batch answer's results list. */
    public static function fromBatchItem(mixed $item, int $httpStatus): self
    {
        $item = is_array($item) ? $item : [];
        $status = is_int($item['status'] ?? null) ? $item['status'] : $httpStatus;
        if (($item['ok'] ?? null) === true) {
            return self::stored($status, ($item['duplicate'] ?? null) === true);
        }
        $code = is_string($item['code'] ?? null) ? $item['code'] : 'BAD_RESPONSE';
        $message = is_string($item['message'] ?? null) ? $item['message'] : "refused with $code";
        return in_array($code, self::RETRYABLE_EVENT_CODES, true)
            ? self::retry($status, $code, $message)
            : self::refused($status, $code, $message);
    }

    /** @return array{0:string, 1:string} the server's {"error":{"code","message"}}, or one from the status */
    private static function readError(mixed $body, int $status): array
    {
        $error = is_array($body) ? ($body['error'] ?? null) : null;
        if (is_array($error) && is_string($error['code'] ?? null)) {
            return [$error['code'], is_string($error['message'] ?? null) ? $error['message'] : "HTTP $status"];
        }
        return ["HTTP_$status", "The server answered HTTP $status."];
    }
}
