<?php

declare(strict_types=1);

namespace Zenovay;

/** POSTs JSON with one reused curl handle (keep-alive). Returns an answer or a failure, never throws. */
final class HttpPoster
{
    private ?\CurlHandle $handle = null;

    public function __construct(private readonly string $host, private readonly int $timeoutMs)
    {
    }

    /**
     * @param list<string> $headers
     * @return array{kind:'response', status:int, body:mixed, retryAfter:?string}|array{kind:'failure', code:string, message:string}
     */
    public function post(string $path, string $body, array $headers): array
    {
        $this->handle ??= curl_init();
        $handle = $this->handle;
        $retryAfter = null;
        curl_reset($handle);
        curl_setopt_array($handle, [
            CURLOPT_URL => $this->host . $path,
            CURLOPT_POST => true,
            CURLOPT_POSTFIELDS => $body,
            CURLOPT_HTTPHEADER => array_merge([
                'Content-Type: application/json',
                'User-Agent: Zenovay-PHP/' . Version::VERSION,
                'Expect:', // no 100-continue round trip for bodies over 1 KiB
            ], $headers),
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT_MS => $this->timeoutMs,
            CURLOPT_CONNECTTIMEOUT_MS => $this->timeoutMs,
            CURLOPT_HEADERFUNCTION => static function ($ch, string $line) use (&$retryAfter): int {
                if (stripos($line, 'retry-after:') === 0) {
                    $retryAfter = trim(substr($line, 12));
                }
                return strlen($line);
            },
        ]);
        $text = curl_exec($handle);
        if ($text === false) {
            $errno = curl_errno($handle);
            $message = curl_error($handle);
            $this->close(); // a broken connection is not reused
            return $errno === CURLE_OPERATION_TIMEOUTED
                ? ['kind' => 'failure', 'code' => 'TIMEOUT', 'message' => "no answer within {$this->timeoutMs} ms"]
                : ['kind' => 'failure', 'code' => 'NETWORK_ERROR', 'message' => "curl error $errno: $message"];
        }
        $status = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        $parsed = $text === '' ? null : json_decode((string) $text, true);
        if ($text !== '' && json_last_error() !== JSON_ERROR_NONE) {
            $parsed = $text; // not JSON (a proxy's error page)
        }
        return ['kind' => 'response', 'status' => $status, 'body' => $parsed, 'retryAfter' => $retryAfter];
    }

    public function close(): void
    {
        if ($this->handle !== null) {
            curl_close($this->handle);
            $this->handle = null;
        }
    }
}
