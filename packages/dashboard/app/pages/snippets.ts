/** Install snippets for a site, pre-filled with its tracking code and this server's address. */
export interface Snippet {
  readonly id: string;
  readonly label: string;
  readonly code: string;
}

export function installSnippets(origin: string, trackingCode: string, domain: string): Snippet[] {
  const endpoint = `${origin}/e/${trackingCode}`;
  return [
    {
      id: 'html',
      label: 'Website',
      code: `<script defer data-tracking-code="${trackingCode}" src="${origin}/z.js"></script>`,
    },
    {
      id: 'curl',
      label: 'curl',
      code: `curl -X POST "${endpoint}" \\
  -H "Content-Type: application/json" \\
  -d '{
    "event_type": "pageview",
    "url": "https://${domain}/",
    "session_id": "test-session-0001",
    "device_type": "server",
    "browser": "server",
    "os": "Linux",
    "user_agent": "MyApp-Server/1.0"
  }'`,
    },
    {
      id: 'node',
      label: 'Node.js',
      // The SDK, not a raw fetch: it retries with backoff, and the event id makes a retried
      // send or a redelivered webhook count once (the server stores an event_id once).
      code: `// @zenovay/node is not on the npm registry yet: its README (packages/node) says how to install it.
import { createClient } from '@zenovay/node';

export const zenovay = createClient({
  trackingCode: '${trackingCode}',
  host: '${origin}',
  defaults: { user_agent: 'MyApp-Server/1.0' },
  onError: (error) => console.error('Analytics error:', error.code, error.message),
});

// Call it from your order handler. The eventId (your order id) makes a retry or a redelivered
// webhook count once. The amount is a decimal string such as '49.90' (read exactly) or a number.
export async function trackPurchase(order, sessionId) {
  const result = await zenovay.trackEvent('purchase', {
    url: 'https://${domain}/checkout/success',
    sessionId,
    eventId: \`order-\${order.id}\`,
    revenue: { amount: order.total, currency: order.currency },
    properties: { plan: order.plan },
  });
  return result.ok;
}

// Before the process exits: await zenovay.shutdown();`,
    },
    {
      id: 'python',
      label: 'Python',
      code: `import requests

ENDPOINT = '${endpoint}'

def track_event(name, session_id, url, properties=None):
    payload = {
        'event_type': 'custom',
        'event_name': name,
        'url': url,
        'session_id': session_id,
        'properties': properties or {},
        'device_type': 'server',
        'browser': 'server',
        'os': 'Linux',
        'user_agent': 'MyApp-Server/1.0',
    }
    response = requests.post(ENDPOINT, json=payload, timeout=5)
    return response.ok`,
    },
    {
      id: 'php',
      label: 'PHP',
      code: `<?php
function zenovay_track(string $name, string $sessionId, string $url, array $properties = []): bool {
    $payload = [
        'event_type' => 'custom',
        'event_name' => $name,
        'url' => $url,
        'session_id' => $sessionId,
        'properties' => $properties,
        'device_type' => 'server',
        'browser' => 'server',
        'os' => 'Linux',
        'user_agent' => 'MyApp-Server/1.0',
    ];
    $ch = curl_init('${endpoint}');
    curl_setopt_array($ch, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => json_encode($payload),
        CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => 5,
    ]);
    curl_exec($ch);
    $status = curl_getinfo($ch, CURLINFO_HTTP_CODE);
    curl_close($ch);
    return $status >= 200 && $status < 300;
}`,
    },
  ];
}
