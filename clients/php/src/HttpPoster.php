<?php

declare(strict_types=1);

namespace Zenovay;

/** POSTs JSON, several requests at once, over reused curl handles (keep-alive). Never throws. */
final class HttpPoster
{
    /** @var list<\CurlHandle> reused across requests, so connections are kept alive */
    private array $handles = [];
    private ?\CurlMultiHandle $multi = null;

    public function __construct(private readonly string $host, private readonly int $timeoutMs)
    {
    }

    /**
     * Sends the requests at once (curl_multi) and returns their answers in the same order.
     *
     * @param list<array{path:string, body:string, headers:list<string>}> $requests
     * @return list<array{kind:'response', status:int, body:mixed, retryAfter:?string}|array{kind:'failure', code:string, message:string}>
     */
    public function postAll(array $requests): array
    {
        $this->multi ??= curl_multi_init();
        $retryAfter = [];
        $used = [];
        foreach ($requests as $i => $request) {
            $handle = $this->handles[$i] ??= curl_init();
            curl_reset($handle);
            $retryAfter[$i] = null;
            curl_setopt_array($handle, [
                CURLOPT_URL => $this->host . $request['path'],
                CURLOPT_POST => true,
                CURLOPT_POSTFIELDS => $request['body'],
                CURLOPT_HTTPHEADER => array_merge([
                    'Content-Type: application/json',
                    'User-Agent: Zenovay-PHP/' . Version::VERSION,
                    'Expect:', // no 100-continue round trip for bodies over 1 KiB
                ], $request['headers']),
                CURLOPT_RETURNTRANSFER => true,
                CURLOPT_TIMEOUT_MS => $this->timeoutMs,
                CURLOPT_CONNECTTIMEOUT_MS => $this->timeoutMs,
                CURLOPT_HEADERFUNCTION => static function ($ch, string $line) use (&$retryAfter, $i): int {
                    if (stripos($line, 'retry-after:') === 0) {
                        $retryAfter[$i] = trim(substr($line, 12));
                    }
                    return strlen($line);
                },
            ]);
            curl_multi_add_handle($this->multi, $handle);
            $used[$i] = $handle;
        }
        $errors = [];
        do {
            $status = curl_multi_exec($this->multi, $running);
            if ($running > 0) {
                curl_multi_select($this->multi, 0.1);
            }
            while (($info = curl_multi_info_read($this->multi)) !== false) {
                $errors[spl_object_id($info['handle'])] = $info['result'];
            }
        } while ($running > 0 && $status === CURLM_OK);
        $answers = [];
        foreach ($used as $i => $handle) {
            $answers[$i] = $this->answer($handle, $errors[spl_object_id($handle)] ?? CURLE_OK, $retryAfter[$i]);
            curl_multi_remove_handle($this->multi, $handle);
            if ($answers[$i]['kind'] === 'failure') {
                curl_close($handle); // a broken connection is not reused
                unset($this->handles[$i]);
            }
        }
        return $answers;
    }

    private function answer(\CurlHandle $handle, int $errno, ?string $retryAfter): array
    {
        if ($errno !== CURLE_OK) {
            $message = curl_strerror($errno);
            return $errno === CURLE_OPERATION_TIMEOUTED
                ? ['kind' => 'failure', 'code' => 'TIMEOUT', 'message' => "no answer within {$this->timeoutMs} ms"]
                : ['kind' => 'failure', 'code' => 'NETWORK_ERROR', 'message' => "curl error $errno: $message"];
        }
        $text = (string) curl_multi_getcontent($handle);
        $status = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        $parsed = $text === '' ? null : json_decode($text, true);
        if ($text !== '' && json_last_error() !== JSON_ERROR_NONE) {
            $parsed = $text; // not JSON (a proxy's error page)
        }
        return ['kind' => 'response', 'status' => $status, 'body' => $parsed, 'retryAfter' => $retryAfter];
    }

    public function close(): void
    {
        foreach ($this->handles as $handle) {
            curl_close($handle);
        }
        $this->handles = [];
        if ($this->multi !== null) {
            curl_multi_close($this->multi);
            $this->multi = null;
        }
    }
}
