<?php

declare(strict_types=1);

namespace Zenovay;

/**
 * Server-side tracking with the Node SDK's guarantees: every event gets its event_id when tracked
 * and keeps it through retries (the server stores it once), retries with backoff and jitter on
 * network errors, 5xx, 408 and 429, Retry-After honoured, a bounded queue (QUEUE_FULL), and batches
 * to POST /api/v1/events when an API key with the `ingest` scope is given.
 *
 * PHP has no background thread. Immediate mode (the default without an API key) sends each event
 * before trackEvent returns; deferred mode (the default with one) queues events, sends a batch when
 * `batchSize` are waiting, and the rest on flush() or at shutdown (register_shutdown_function).
 */
final class Client
{
    private const DEFAULTS = [
        'apiKey' => null,
        'defaults' => [],
        'deferred' => null,
        'maxQueueSize' => 10000,
        'concurrency' => null,
        'maxRetries' => 15,
        'backoff' => ['baseMs' => 200, 'maxMs' => 30000],
        'maxRetryAfterMs' => 3600000,
        'requestTimeoutMs' => 10000,
        'sendTimeoutMs' => 10000,
        'rateLimit' => RequestBudget::PUBLIC_INGEST_LIMITS,
        'batchSize' => 100,
        'maxBatchBytes' => 524288,
        'flushOnShutdown' => true,
        'shutdownTimeoutMs' => 10000,
        'onError' => null,
        'debug' => false,
    ];

    private readonly array $options;
    private readonly array $serverDefaults;
    private readonly bool $batched;
    private readonly bool $deferred;
    private readonly Delivery $delivery;
    private readonly HttpPoster $poster;
    private bool $closed = false;

    public function __construct(string $trackingCode, string $host, array $options = [])
    {
        $unknown = array_diff(array_keys($options), array_keys(self::DEFAULTS));
        if ($unknown !== []) {
            throw new \InvalidArgumentException('unknown option(s): ' . implode(', ', $unknown));
        }
        if (preg_match('#^https?://[^/]+#i', $host) !== 1) {
            throw new \InvalidArgumentException('host must be an http(s) URL, e.g. https://analytics.example.com');
        }
        $this->options = $o = array_replace(self::DEFAULTS, $options);
        $this->serverDefaults = array_replace(self::serverDefaults(), $o['defaults']);
        $this->batched = is_string($o['apiKey']) && $o['apiKey'] !== '';
        $this->deferred = $o['deferred'] ?? $this->batched;
        $this->poster = new HttpPoster(rtrim($host, '/'), (int) $o['requestTimeoutMs']);
        $budget = !$this->batched && $o['rateLimit'] ? new RequestBudget($o['rateLimit']) : null;
        $this->delivery = new Delivery(
            $this->poster,
            $trackingCode,
            $this->batched ? $o['apiKey'] : null,
            min(1000, max(1, (int) $o['batchSize'])),
            (int) $o['maxBatchBytes'] - strlen($trackingCode) - 40,
            $budget,
            max(1, (int) ($o['concurrency'] ?? ($this->batched ? 2 : 4))),
            (int) $o['maxRetries'],
            (int) $o['backoff']['baseMs'],
            (int) $o['backoff']['maxMs'],
            (int) $o['maxRetryAfterMs'],
            fn (QueuedEvent $event, string $message) => $this->report($event->result, $message),
            fn (string $message) => $this->log($message),
        );
        if ($o['flushOnShutdown']) {
            register_shutdown_function([$this, 'shutdown']);
        }
    }

    /** The device fields a server sends; the default agent passes the server's bot filter. */
    public static function serverDefaults(): array
    {
        return [
            'device_type' => 'server',
            'browser' => 'server',
            'os' => PHP_OS_FAMILY === 'Darwin' ? 'macOS' : PHP_OS_FAMILY,
            'user_agent' => 'Zenovay-PHP/' . Version::VERSION,
        ];
    }

    /** True when the server would refuse this agent as a bot; the server's own rules. */
    public static function isBot(?string $userAgent): bool
    {
        return BotFilter::isBot($userAgent);
    }

    /**
     * A custom event, like the spec's trackEvent. $options: eventId, referrer, visitorId,
     * userAgent, clientIp and timestamp (batch mode only), revenue (['amount' => '49.90',
     * 'currency' => 'EUR']; a decimal string is sent exactly) and userId (your id for the person;
     * the server hashes it per site into the visitor id). Revenue and userId are checked as the
     * server checks them: an invalid one settles at once with VALIDATION_ERROR and
     * $result->fields, and nothing is sent. Never throws.
     */
    public function trackEvent(string $eventName, string $sessionId, string $url, array $properties = [], array $options = []): TrackResult
    {
        $base = ['event_type' => 'custom', 'event_name' => $eventName];
        if (isset($options['referrer'])) {
            $base['referrer'] = $options['referrer'];
        }
        $base['properties'] = $properties === [] ? new \stdClass() : $properties;
        if (array_key_exists('revenue', $options) && $options['revenue'] !== null) {
            $base['revenue'] = $options['revenue'];
        }
        return $this->track($base, $sessionId, $url, $options);
    }

    /** A pageview, like the spec's trackPageview. $options as for trackEvent (no revenue). Never throws. */
    public function trackPageview(string $sessionId, string $url, string $referrer = '', array $options = []): TrackResult
    {
        return $this->track(['event_type' => 'pageview', 'referrer' => $referrer], $sessionId, $url, $options);
    }

    /** Sends everything pending; true when all settled within $timeoutMs (default sendTimeoutMs). */
    public function flush(?int $timeoutMs = null): bool
    {
        return $this->delivery->drain(Delivery::nowMs() + ($timeoutMs ?? $this->options['sendTimeoutMs']));
    }

    /** Stops taking events and delivers what is pending; returns how many were not delivered. */
    public function shutdown(?int $timeoutMs = null): int
    {
        if ($this->closed) {
            return 0;
        }
        $this->closed = true;
        $left = 0;
        if (!$this->flush($timeoutMs ?? $this->options['shutdownTimeoutMs'])) {
            $left = $this->delivery->abandon('SHUTDOWN_TIMEOUT', 'not delivered within the shutdown timeout');
        }
        $this->poster->close();
        return $left;
    }

    /** Events not yet settled. */
    public function pending(): int
    {
        return $this->delivery->size();
    }

    private function track(array $base, string $sessionId, string $url, array $options): TrackResult
    {
        $result = new TrackResult('');
        try {
            $eventId = (string) ($options['eventId'] ?? Uuid7::generate());
            $result = new TrackResult($eventId);
            $userId = $options['userId'] ?? null;
            $invalid = Checks::event($base['revenue'] ?? null, is_array($base['properties'] ?? null) ? $base['properties'] : null, $userId);
            if ($invalid !== []) {
                $list = implode('; ', array_map(fn (array $f) => "{$f['field']} {$f['reason']}", $invalid));
                return $this->refuse($result, 'VALIDATION_ERROR', "invalid event: $list", $invalid);
            }
            $payload = $base + ['url' => $url, 'session_id' => $sessionId];
            if ($userId !== null) {
                $payload['user_id'] = $userId;
            }
            if (isset($options['visitorId'])) {
                $payload['visitor_id'] = $options['visitorId'];
            }
            $payload = array_replace($payload, $this->serverDefaults);
            if (isset($options['userAgent'])) {
                $payload['user_agent'] = $options['userAgent'];
            }
            $payload['event_id'] = $eventId;
            if ($this->batched) {
                if (isset($options['clientIp'])) {
                    $payload['client_ip'] = $options['clientIp'];
                }
                if (isset($options['timestamp'])) {
                    $payload['timestamp'] = self::iso($options['timestamp']);
                }
            } elseif (isset($options['clientIp']) || isset($options['timestamp'])) {
                $this->log('clientIp and timestamp need an apiKey (batch mode); ignored');
            }
            $json = json_encode($payload, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
        } catch (\Throwable $error) {
            return $this->refuse($result, 'INVALID_EVENT', $error->getMessage());
        }
        if ($this->closed) {
            return $this->refuse($result, 'CLIENT_CLOSED', 'the client is shut down');
        }
        if ($this->delivery->size() >= $this->options['maxQueueSize']) {
            return $this->refuse($result, 'QUEUE_FULL', "{$this->options['maxQueueSize']} events are already pending");
        }
        $this->delivery->add(new QueuedEvent($result, $json));
        if (!$this->deferred || $this->delivery->size() >= $this->options['batchSize']) {
            $this->flush();
        }
        return $result;
    }

    private function refuse(TrackResult $result, string $code, string $message, ?array $fields = null): TrackResult
    {
        $result->settle(false, 0, $code, false, $fields);
        $this->report($result, $message);
        return $result;
    }

    private function report(TrackResult $result, string $message): void
    {
        $this->log("event {$result->eventId} failed: {$result->code} $message");
        $hook = $this->options['onError'];
        if (!is_callable($hook)) {
            return;
        }
        try {
            $hook([
                'code' => $result->code,
                'status' => $result->status,
                'message' => $message,
                'eventId' => $result->eventId,
                'attempts' => $result->attempts,
            ] + ($result->fields ? ['fields' => $result->fields] : []));
        } catch (\Throwable) {
            // a throwing hook must not break delivery of other events
        }
    }

    private function log(string $message): void
    {
        $debug = $this->options['debug'];
        try {
            if (is_callable($debug)) {
                $debug("[zenovay] $message");
            } elseif ($debug === true) {
                error_log("[zenovay] $message");
            }
        } catch (\Throwable) {
            // logging must never break delivery
        }
    }

    private static function iso(mixed $value): string
    {
        if (is_string($value)) {
            return $value;
        }
        if (is_int($value) || is_float($value)) {
            // Epoch milliseconds, as in the Node SDK and the HTTP API.
            $value = \DateTimeImmutable::createFromFormat('U.u', sprintf('%.3F', $value / 1000));
        }
        if ($value instanceof \DateTimeInterface) {
            return \DateTimeImmutable::createFromInterface($value)
                ->setTimezone(new \DateTimeZone('UTC'))->format('Y-m-d\TH:i:s.v\Z');
        }
        throw new \InvalidArgumentException('timestamp must be a DateTimeInterface, an ISO 8601 string or epoch ms');
    }
}
