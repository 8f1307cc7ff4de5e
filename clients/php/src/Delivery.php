<?php

declare(strict_types=1);

namespace Zenovay;

/**
 * @internal The queue and its sender. PHP has no threads: events are sent from the calling code
 * (up to `concurrency` requests at once), either at once (immediate mode) or when flushed. Every event ends settled;
 * nothing throws. A Retry-After pauses all sending: it speaks for the server, not for one event.
 */
final class Delivery
{
    /** @var \SplQueue<QueuedEvent> FIFO of events ready to go */
    private \SplQueue $ready;
    /** @var \SplPriorityQueue<float, QueuedEvent> events waiting to retry, soonest on top */
    private \SplPriorityQueue $delayed;
    private float $pausedUntil = 0.0;

    /**
     * @param \Closure(QueuedEvent, string): void $onFailure
     * @param \Closure(string): void $log
     */
    public function __construct(
        private readonly HttpPoster $poster,
        private readonly string $trackingCode,
        private readonly ?string $apiKey,
        private readonly int $batchSize,
        private readonly int $maxBatchBytes,
        private readonly ?RequestBudget $budget,
        private readonly int $concurrency,
        private readonly int $maxRetries,
        private readonly int $backoffBaseMs,
        private readonly int $backoffMaxMs,
        private readonly int $maxRetryAfterMs,
        private readonly \Closure $onFailure,
        private readonly \Closure $log,
    ) {
        $this->ready = new \SplQueue();
        $this->delayed = new \SplPriorityQueue();
    }

    public function size(): int
    {
        return $this->ready->count() + $this->delayed->count();
    }

    public function add(QueuedEvent $event): void
    {
        $this->ready->enqueue($event);
    }

    /** Sends until nothing is pending or $deadline (monotonic ms) passes. True when drained. */
    public function drain(float $deadline): bool
    {
        while (!$this->ready->isEmpty() || !$this->delayed->isEmpty()) {
            $now = self::nowMs();
            if ($now >= $deadline) {
                return false;
            }
            $this->promoteDue($now);
            $wake = $deadline;
            if (!$this->delayed->isEmpty()) {
                $wake = min($wake, $this->delayed->top()->readyAt);
            }
            if ($this->ready->isEmpty()) {
                self::sleepUntil($wake);
                continue;
            }
            if ($now < $this->pausedUntil) {
                self::sleepUntil(min($this->pausedUntil, $deadline));
                continue;
            }
            // Up to `concurrency` requests at once, each within the client budget.
            $units = [];
            $budgetWait = 0.0;
            while (count($units) < $this->concurrency && !$this->ready->isEmpty()) {
                $budgetWait = $this->budget?->waitMs($now) ?? 0.0;
                if ($budgetWait > 0) {
                    break;
                }
                $this->budget?->reserve();
                $units[] = $this->takeUnit();
            }
            if ($units === []) {
                self::sleepUntil(min($now + (is_finite($budgetWait) ? $budgetWait : 1000.0), $deadline));
                continue;
            }
            $this->sendAll($units);
        }
        return true;
    }

    /** Gives up on what is left: each settles with $code. Returns how many. */
    public function abandon(string $code, string $message): int
    {
        $left = iterator_to_array($this->ready, false);
        while (!$this->delayed->isEmpty()) {
            $left[] = $this->delayed->extract();
        }
        $this->ready = new \SplQueue();
        foreach ($left as $event) {
            $this->settle($event, false, 0, $code, false, $message);
        }
        return count($left);
    }

    private function promoteDue(float $now): void
    {
        while (!$this->delayed->isEmpty() && $this->delayed->top()->readyAt <= $now) {
            $this->ready->enqueue($this->delayed->extract());
        }
    }

    /** @return list<QueuedEvent> FIFO, within the count and byte limits */
    private function takeUnit(): array
    {
        $cap = $this->apiKey === null ? 1 : $this->batchSize;
        $unit = [];
        $bytes = 0;
        while (!$this->ready->isEmpty() && count($unit) < $cap) {
            $event = $this->ready->bottom();
            $grows = strlen($event->json) + 1;
            if ($unit !== [] && ($bytes + $grows > $this->maxBatchBytes || count($unit) >= $event->unitCap)) {
                break;
            }
            $this->ready->dequeue();
            $unit[] = $event;
            $bytes += $grows;
            $cap = min($cap, $event->unitCap);
        }
        return $unit;
    }

    /** @param list<list<QueuedEvent>> $units one request each, sent at once */
    private function sendAll(array $units): void
    {
        $requests = [];
        foreach ($units as $unit) {
            foreach ($unit as $event) {
                $event->result->attempts++;
            }
            if ($this->apiKey === null) {
                $requests[] = ['path' => '/e/' . rawurlencode($this->trackingCode), 'body' => $unit[0]->json, 'headers' => []];
            } else {
                // Events were serialised when tracked; a batch is their texts joined, not re-encoded.
                $body = '{"tracking_code":' . json_encode($this->trackingCode) . ',"events":['
                    . implode(',', array_map(static fn (QueuedEvent $e): string => $e->json, $unit)) . ']}';
                $requests[] = ['path' => '/api/v1/events', 'body' => $body, 'headers' => ["Authorization: Bearer {$this->apiKey}"]];
            }
        }
        $answers = $this->poster->postAll($requests);
        foreach ($units as $i => $unit) {
            $this->budget?->release(self::nowMs());
            $this->handle($unit, $answers[$i]);
        }
    }

    /** @param list<QueuedEvent> $unit */
    private function handle(array $unit, array $answer): void
    {
        if ($this->apiKey === null) {
            $this->apply($unit[0], Outcome::fromAnswer($answer, self::wallMs()));
            return;
        }
        if ($answer['kind'] === 'response' && $answer['status'] === 413) {
            $this->split($unit);
            return;
        }
        $whole = Outcome::fromAnswer($answer, self::wallMs());
        $results = $answer['kind'] === 'response' && is_array($answer['body']) ? ($answer['body']['results'] ?? null) : null;
        if ($whole->type === 'stored' && (!is_array($results) || count($results) !== count($unit))) {
            $whole = Outcome::retry($whole->status, 'BAD_RESPONSE', 'the batch answer has no matching results list');
        }
        foreach ($unit as $index => $event) {
            $this->apply($event, $whole->type === 'stored' ? Outcome::fromBatchItem($results[$index], $whole->status) : $whole);
        }
    }

    /** A 413: halve the batch. One event alone that is still too large can never be stored. */
    private function split(array $unit): void
    {
        if (count($unit) === 1) {
            $this->settle($unit[0], false, 413, 'PAYLOAD_TOO_LARGE', false, 'the event alone is larger than the server accepts');
            return;
        }
        $cap = intdiv(count($unit) + 1, 2);
        ($this->log)('batch of ' . count($unit) . " was too large; resending in batches of $cap");
        foreach ($unit as $event) {
            $event->result->attempts--; // a split is not a failed try
            $event->unitCap = min($event->unitCap, $cap);
        }
        foreach (array_reverse($unit) as $event) {
            $this->ready->unshift($event);
        }
    }

    private function apply(QueuedEvent $event, Outcome $outcome): void
    {
        if ($outcome->type === 'stored') {
            $this->settle($event, true, $outcome->status, null, $outcome->duplicate, '');
            return;
        }
        if ($outcome->type === 'refused') {
            $this->settle($event, false, $outcome->status, $outcome->code, false, $outcome->message, $outcome->fields);
            return;
        }
        // A Retry-After is the server pacing us, not the event failing: it costs no retry.
        if ($outcome->retryAfterMs === null) {
            $event->strikes++;
        }
        if ($event->strikes > $this->maxRetries) {
            $message = "gave up after {$event->result->attempts} tries: {$outcome->message}";
            $this->settle($event, false, $outcome->status, $outcome->code, false, $message);
            return;
        }
        $now = self::nowMs();
        $serverWait = 0;
        if ($outcome->retryAfterMs !== null) {
            $serverWait = min($outcome->retryAfterMs, $this->maxRetryAfterMs);
            $this->pausedUntil = max($this->pausedUntil, $now + $serverWait);
        }
        $delay = max(Retry::backoffDelay(max(1, $event->strikes), $this->backoffBaseMs, $this->backoffMaxMs), $serverWait);
        $event->readyAt = $now + $delay;
        $this->delayed->insert($event, -$event->readyAt);
        ($this->log)("retry {$event->result->attempts} of {$event->result->eventId} in $delay ms ({$outcome->code})");
    }

    private function settle(
        QueuedEvent $event,
        bool $ok,
        int $status,
        ?string $code,
        bool $duplicate,
        string $message,
        ?array $fields = null,
    ): void {
        if ($event->result->settled) {
            return;
        }
        $event->result->settle($ok, $status, $code, $duplicate, $fields);
        if (!$ok) {
            ($this->onFailure)($event, $message);
        }
    }

    public static function nowMs(): float
    {
        return hrtime(true) / 1e6;
    }

    private static function wallMs(): int
    {
        return (int) floor(microtime(true) * 1000);
    }

    private static function sleepUntil(float $atMs): void
    {
        $ms = $atMs - self::nowMs();
        if ($ms > 0) {
            usleep((int) ceil($ms * 1000));
        }
    }
}
