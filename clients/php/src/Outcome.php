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
        /** The server's list of offending fields, passed to the caller unchanged. */
        public readonly ?array $fields = null,
    ) {
    }

    public static function stored(int $status, bool $duplicate): self
    {
        return new self('stored', $status, null, '', $duplicate);
    }

    public static function refused(int $status, string $code, string $message, ?array $fields = null): self
    {
        return new self('refused', $status, $code, $message, false, null, $fields);
    }

    /** The server's `fields` list, unchanged, when it is one ([{field, reason}]). */
    private static function readFields(mixed $value): ?array
    {
        if (!is_array($value) || !array_is_list($value)) {
            return null;
        }
        foreach ($value as $item) {
            if (!is_array($item) || !is_string($item['field'] ?? null) || !is_string($item['reason'] ?? null)) {
                return null;
            }
        }
        return $value;
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
        $error = is_array($body) ? ($body['error'] ?? null) : null;
        return self::refused($status, $code, $message, self::readFields(is_array($error) ? ($error['fields'] ?? null) : null));
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
            : self::refused($status, $code, $message, self::readFields($item['fields'] ?? null));
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
