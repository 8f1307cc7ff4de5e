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
      code: `const ENDPOINT = '${endpoint}';

export async function trackEvent(name, { url, sessionId, properties = {} }) {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      event_type: 'custom',
      event_name: name,
      url,
      session_id: sessionId,
      properties,
      device_type: 'server',
      browser: 'server',
      os: 'Linux',
      user_agent: 'MyApp-Server/1.0',
    }),
  });
  return response.ok;
}`,
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
