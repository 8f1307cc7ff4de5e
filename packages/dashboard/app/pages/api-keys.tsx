import { useState } from 'preact/hooks';
import { type KeyColumn, type KeyListEntry, KeyTable, useKeyList } from './key-list.tsx';

interface ApiKeyInfo extends KeyListEntry {
  permissions: string[];
}

const permissionsColumn: KeyColumn<ApiKeyInfo> = {
  header: 'Permissions',
  cell: (key) => key.permissions.join(', '),
};

/** REST API keys scoped to this site: created (the key is shown once), listed, revoked. */
export function ApiKeysSection(props: { siteId: string }) {
  const { keys, created, error, create, revoke } = useKeyList<ApiKeyInfo>(
    `/sites/${encodeURIComponent(props.siteId)}/keys`,
    (prefix) => `Revoke key ${prefix}…? Programs using it stop working at once.`,
  );
  const [name, setName] = useState('');
  const [ingest, setIngest] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (await create({ name, permissions: ingest ? ['read', 'ingest'] : ['read'] })) setName('');
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
      <form class="form-row" onSubmit={submit}>
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
        <KeyTable keys={keys.data.keys} onRevoke={revoke} columns={[permissionsColumn]} />
      )}
    </section>
  );
}
