<?php

declare(strict_types=1);

namespace Zenovay;

/** @internal One tracked event on its way: serialised once, resent as is (same event_id). */
final class QueuedEvent
{
    /** Failed tries that count toward maxRetries (not those paced by Retry-After). */
    public int $strikes = 0;
    public float $readyAt = 0.0;
    /** Lowered when a batch holding it was too large (413). */
    public int $unitCap = PHP_INT_MAX;

    public function __construct(public readonly TrackResult $result, public readonly string $json)
    {
    }
}
