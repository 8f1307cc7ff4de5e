import { useState } from 'preact/hooks';
import { api, describeError } from '../api.ts';
import { useApi } from '../dashboard/use-stats.ts';

interface KeyInfo {
  prefix: string;
  name: string;
  permissions: string[];
  created_at: string;
  revoked_at: string | null;
}

/** REST API keys scoped to this site: created (the key is shown once), listed, revoked. */
export function ApiKeysSection(props: { siteId: string }) {
  const base = `/sites/${encodeURIComponent(props.siteId)}/keys`;
  const [version, setVersion] = useState(0);
  const keys = useApi(() => api.get<{ keys: KeyInfo[] }>(base), `${base}:${version}`);
  const [name, setName] = useState('');
  const [ingest, setIngest] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const result = await api.post<{ key: string }>(base, {
        name,
        permissions: ingest ? ['read', 'ingest'] : ['read'],
      });
      setCreated(result.key);
      setName('');
      setVersion(version + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const revoke = async (prefix: string) => {
    if (!window.confirm(`Revoke key ${prefix}…? Programs using it stop working at once.`)) return;
    try {
      await api.delete(`${base}/${encodeURIComponent(prefix)}`);
      setVersion(version + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <section class="card" data-testid="api-keys">
      <h2>API keys</h2>
      <p class="muted small">
        Keys read this site's stats through <code>/api/external/v1</code> (send <code>X-API-Key</code>).
      </p>
      {created && (
        <div class="notice" data-testid="new-key">
          <p>Copy this key now; it will not be shown again.</p>
          <code class="secret">{created}</code>
        </div>
      )}
      <form class="form-row" onSubmit={create}>
        <label>
          Name
          <input
            name="key-name"
            placeholder="Reporting script"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label class="inline">
          <input type="checkbox" checked={ingest} onChange={(e) => setIngest(e.currentTarget.checked)} />
          Can also send events
        </label>
        <button type="submit" class="button">
          Create key
        </button>
      </form>
      {error && <p class="form-error">{error}</p>}
      {keys.data && keys.data.keys.length > 0 && (
        <table class="breakdown keys">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Name</th>
              <th scope="col">Permissions</th>
              <th scope="col">Created</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {keys.data.keys.map((key) => (
              <tr key={key.prefix} class={key.revoked_at ? 'revoked' : ''}>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{key.name}</td>
                <td>{key.permissions.join(', ')}</td>
                <td>{key.created_at.slice(0, 10)}</td>
                <td class="num">
                  {key.revoked_at ? (
                    <span class="muted small">revoked</span>
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
    </section>
  );
}
