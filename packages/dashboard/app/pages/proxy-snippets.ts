import type { Snippet } from './snippets.ts';

/** The path on the site's own domain the recipes serve the tracker and its events under. */
export const proxyPath = '/zv';

/** Shown in the recipes until a key has just been created (a key is never shown twice). */
export const proxyKeyPlaceholder = 'zvp_REPLACE_WITH_YOUR_PROXY_KEY';

/**
 * The first-party proxy recipes of docs/proxy.md (tracker tag, nginx, Caddy, Node), filled in with this
 * server's address, the site's tracking code and, right after creation, the new key.
 */
export function proxySnippets(origin: string, trackingCode: string, key: string): Snippet[] {
  return [
    {
      id: 'proxy-html',
      label: 'Tracker tag',
      code: `<script defer data-tracking-code="${trackingCode}" data-api-url="${proxyPath}" src="${proxyPath}/z.js"></script>`,
    },
    {
      id: 'nginx',
      label: 'nginx',
      code: `location ${proxyPath}/ {
    # Behind a CDN or load balancer, set set_real_ip_from / real_ip_header first.
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Zenovay-Proxy-Key "${key}";
    proxy_set_header Cookie "";
    proxy_set_header Authorization "";
    proxy_hide_header Set-Cookie;
    proxy_ssl_server_name on;
    client_max_body_size 32k;

    location = ${proxyPath}/z.js { proxy_pass ${origin}/z.js; }
    location ${proxyPath}/e/ { proxy_pass ${origin}/e/; }
}`,
    },
    {
      id: 'caddy',
      label: 'Caddy',
      code: `handle_path ${proxyPath}/* {
	@zenovay path /z.js /e/*
	reverse_proxy @zenovay ${origin} {
		header_up Host {upstream_hostport}
		header_up X-Zenovay-Proxy-Key "${key}"
		header_up -Cookie
		header_up -Authorization
		header_down -Set-Cookie
	}
}`,
    },
    {
      id: 'proxy-node',
      label: 'Node.js',
      code: `// ZENOVAY_PROXY_KEY=${key}
import { createProxyHandler } from '@zenovay/node';

const zenovay = createProxyHandler({ host: '${origin}', proxyKey: process.env.ZENOVAY_PROXY_KEY });
app.use('${proxyPath}', zenovay); // Express / Connect`,
    },
  ];
}
