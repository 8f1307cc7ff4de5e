import { useState } from 'preact/hooks';
import type { SiteInfo } from '../api.ts';
import { KeyTable, useKeyList } from './key-list.tsx';
import { proxyKeyPlaceholder, proxyPath, proxySnippets } from './proxy-snippets.ts';
import { CopyButton, SnippetTabs } from './snippet-tabs.tsx';
import type { Snippet } from './snippets.ts';

/**
 * First-party proxy keys of this site: created (the key is shown once, with the proxy recipes
 * filled in with it), listed, revoked. A key makes Zenovay believe the visitor address the proxy
 * sends, so it stays on the site's server and is revoked the moment it may have leaked.
 */
export function ProxyKeysSection(props: { site: SiteInfo }) {
  const { keys, created, error, create, revoke } = useKeyList(
    `/sites/${encodeURIComponent(props.site.id)}/proxy-keys`,
    (prefix) => `Revoke proxy key ${prefix}…? Proxies sending it are refused from their next request.`,
  );
  const [name, setName] = useState('');

  const submit = async (event: Event) => {
    event.preventDefault();
    if (await create({ name })) setName('');
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
      <form class="form-row" onSubmit={submit}>
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
        <KeyTable keys={keys.data.keys} onRevoke={revoke} revokedDay />
      )}
      <ProxyRecipes snippets={snippets} />
    </section>
  );
}

/** The recipes as tabs, each with a copy button (docs/proxy.md). */
function ProxyRecipes(props: { snippets: Snippet[] }) {
  const [chosen, setChosen] = useState(props.snippets[0]!.id);
  const snippet = props.snippets.find((s) => s.id === chosen) ?? props.snippets[0]!;
  return (
    <div class="proxy-recipes">
      <p class="muted small">
        Serve <code>{proxyPath}/</code> on your site with one of these, then use the tracker tag.
      </p>
      <SnippetTabs snippets={props.snippets} chosen={snippet} onChoose={setChosen} label="Proxy recipes" />
      <pre class="snippet" data-snippet={snippet.id}>
        <code>{snippet.code}</code>
      </pre>
      <CopyButton text={snippet.code} key={snippet.code} />
    </div>
  );
}
