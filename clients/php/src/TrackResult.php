<?php

declare(strict_types=1);

namespace Zenovay;

/**
 * What a tracked event came to. Returned at once by trackEvent/trackPageview; in deferred mode it
 * is filled in when the event is sent (flush(), a full batch, or shutdown): check $settled.
 */
final class TrackResult
{
    public bool $settled = false;
    /** The server acknowledged it (stored now, or stored before). */
    public bool $ok = false;
    /** HTTP status of the final answer; 0 when none came (network, queue full, shutdown). */
    public int $status = 0;
    /** Why it failed: a server code, or QUEUE_FULL, CLIENT_CLOSED, SHUTDOWN_TIMEOUT, INVALID_EVENT, ... */
    public ?string $code = null;
    /** The server already had an event with this id (a redelivered webhook, a retried send). */
    public bool $duplicate = false;
    /** How many times it was sent. */
    public int $attempts = 0;
    /**
     * With VALIDATION_ERROR: [['field' => …, 'reason' => …], …] exactly as the server listed them,
     * or as the client found them before sending (then $status is 0 and nothing was sent).
     * @var list<array{field:string, reason:string}>|null
     */
    public ?array $fields = null;

    public function __construct(public readonly string $eventId)
    {
    }

    /** @internal */
    public function settle(bool $ok, int $status, ?string $code, bool $duplicate, ?array $fields = null): void
    {
        $this->fields = $fields;
        $this->settled = true;
        $this->ok = $ok;
        $this->status = $status;
        $this->code = $code;
        $this->duplicate = $duplicate;
    }
}
