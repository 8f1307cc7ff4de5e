import { useState } from 'preact/hooks';
import { api, describeError, type SiteInfo } from '../api.ts';
import { useApi } from '../dashboard/use-stats.ts';
import { proxyKeyPlaceholder, proxyPath, proxySnippets } from './proxy-snippets.ts';
import type { Snippet } from './snippets.ts';

interface ProxyKeyInfo {
  prefix: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

/**
 * First-party proxy keys of this site: created (the key is shown once, with the proxy recipes
 * filled in with it), listed, revoked. A key makes Zenovay believe the visitor address the proxy
 * sends, so it stays on the site's server and is revoked the moment it may have leaked.
 */
export function ProxyKeysSection(props: { site: SiteInfo }) {
  const base = `/sites/${encodeURIComponent(props.site.id)}/proxy-keys`;
  const [version, setVersion] = useState(0);
  const keys = useApi(() => api.get<{ keys: ProxyKeyInfo[] }>(base), `${base}:${version}`);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const result = await api.post<{ key: string }>(base, { name });
      setCreated(result.key);
      setName('');
      setVersion(version + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const revoke = async (prefix: string) => {
    const question = `Revoke proxy key ${prefix}…? Proxies sending it are refused from their next request.`;
    if (!window.confirm(question)) return;
    setError(null);
    try {
      await api.delete(`${base}/${encodeURIComponent(prefix)}`);
      setVersion(version + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  const snippets = proxySnippets(location.origin, props.site.tracking_code, created ?? proxyKeyPlaceholder);
  return (
    <section class="card" data-testid="proxy-keys">
      <h2>First-party proxy</h2>
      <p class="muted small">
        Serve the tracker and its events from your own domain: ad blockers do not see them, and visitors are
        located and rate-limited as themselves. Your proxy sends <code>X-Zenovay-Proxy-Key</code> and the
        visitor's address in <code>X-Forwarded-For</code>; keep the key on your server.
      </p>
      {created && (
        <div class="notice new-key" data-testid="new-proxy-key">
          <p>Copy this key now; it will not be shown again. The recipes below contain it.</p>
          <code class="secret">{created}</code>
          <CopyButton text={created} />
        </div>
      )}
      <form class="form-row" onSubmit={create}>
        <label>
          Name
          <input
            name="proxy-key-name"
            placeholder="Edge proxy"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="button">
          Create proxy key
        </button>
      </form>
      {error && <p class="form-error">{error}</p>}
      {keys.error && <p class="form-error">{keys.error}</p>}
      {keys.data && keys.data.keys.length > 0 && (
        <table class="breakdown keys">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {keys.data.keys.map((key) => (
              <tr key={key.prefix} class={key.revoked_at ? 'revoked' : ''} data-prefix={key.prefix}>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{key.name}</td>
                <td>{key.created_at.slice(0, 10)}</td>
                <td class="num">
                  {key.revoked_at ? (
                    <span class="muted small">revoked {key.revoked_at.slice(0, 10)}</span>
                  ) : (
                    <button type="button" class="link-button" onClick={() => revoke(key.prefix)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ProxyRecipes snippets={snippets} />
    </section>
  );
}

/** The recipes as tabs, each with a copy button (the README's "First-party proxy" section). */
function ProxyRecipes(props: { snippets: Snippet[] }) {
  const [chosen, setChosen] = useState(props.snippets[0]!.id);
  const snippet = props.snippets.find((s) => s.id === chosen) ?? props.snippets[0]!;
  return (
    <div class="proxy-recipes">
      <p class="muted small">
        Serve <code>{proxyPath}/</code> on your site with one of these, then use the tracker tag.
      </p>
      <div class="tabs" role="tablist" aria-label="Proxy recipes">
        {props.snippets.map((s) => (
          <button
            type="button"
            role="tab"
            key={s.id}
            aria-selected={s.id === snippet.id}
            class={s.id === snippet.id ? 'tab active' : 'tab'}
            onClick={() => setChosen(s.id)}
          >
            {s.label}
          </button>
        ))}
      </div>
      <pre class="snippet" data-snippet={snippet.id}>
        <code>{snippet.code}</code>
      </pre>
      <CopyButton text={snippet.code} key={snippet.code} />
    </div>
  );
}

function CopyButton(props: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="button secondary small"
      onClick={() => navigator.clipboard?.writeText(props.text).then(() => setCopied(true))}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
