<?php

declare(strict_types=1);

namespace Zenovay;

/**
 * Client-side request budget for the public endpoint, mirroring the server's per-IP limits: a
 * request may start only if, counting it, no trailing window holds more than its limit.
 */
final class RequestBudget
{
    /** The public endpoint's per-IP limits (spec): 60 per 10 s, 5,000 per hour. */
    public const PUBLIC_INGEST_LIMITS = [['limit' => 60, 'windowMs' => 10000], ['limit' => 5000, 'windowMs' => 3600000]];

    /** @var list<float> finish times (ms), ascending */
    private array $finished = [];
    private int $running = 0;

    /** @param list<array{limit:int, windowMs:int}> $rules */
    public function __construct(private readonly array $rules)
    {
    }

    /** Milliseconds until one more request may start; INF when only a running one can free budget. */
    public function waitMs(float $nowMs): float
    {
        $longest = max(array_column($this->rules, 'windowMs') ?: [0]);
        while ($this->finished !== [] && $this->finished[0] <= $nowMs - $longest) {
            array_shift($this->finished);
        }
        $wait = 0.0;
        $count = count($this->finished);
        foreach ($this->rules as $rule) {
            $first = 0;
            while ($first < $count && $this->finished[$first] <= $nowMs - $rule['windowMs']) {
                $first++;
            }
            $excess = $count - $first + $this->running + 1 - $rule['limit'];
            if ($excess > $count - $first) {
                return INF;
            }
            if ($excess > 0) {
                $wait = max($wait, $this->finished[$first + $excess - 1] + $rule['windowMs'] - $nowMs);
            }
        }
        return max(0.0, $wait);
    }

    /** A request starts now. */
    public function reserve(): void
    {
        $this->running++;
    }

    /** A request that reserve()d has its answer at $nowMs (times only grow: sent in rounds). */
    public function release(float $nowMs): void
    {
        $this->running = max(0, $this->running - 1);
        $this->finished[] = $nowMs;
    }
}
