import { useState } from 'preact/hooks';
import { api, describeError, type SiteInfo } from '../api.ts';
import { useApi } from '../dashboard/use-stats.ts';
import { CopyButton } from '../pages/snippet-tabs.tsx';

interface SharedLinkInfo {
  id: string;
  name: string;
  password_protected: boolean;
  panels: string[] | null;
  created_at: string;
}

/** The panels a link can be limited to, as the server names them (sharing/types.ts). */
const panelChoices: ReadonlyArray<{ id: string; label: string }> = [
  { id: 'sources', label: 'Sources' },
  { id: 'pages', label: 'Pages' },
  { id: 'locations', label: 'Locations' },
  { id: 'devices', label: 'Devices' },
  { id: 'goals', label: 'Goals' },
  { id: 'events', label: 'Custom events' },
  { id: 'funnels', label: 'Funnels' },
  { id: 'refusals', label: 'Filtered traffic' },
];

/**
 * Shared links of a site (site settings): made with a name, an optional password and optional
 * panels; the address is shown once (only a hash of its token is kept), then listed by name and
 * revoked after a confirmation. Below, the switch that makes the site public at `/<domain>`.
 */
export function SharedLinksSection(props: { site: SiteInfo }) {
  const base = `/sites/${encodeURIComponent(props.site.id)}`;
  const [version, setVersion] = useState(0);
  const list = useApi(
    () => api.get<{ links: SharedLinkInfo[]; public: boolean; public_path: string }>(`${base}/shared-links`),
    `${base}:shared:${version}`,
  );
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [limited, setLimited] = useState(false);
  const [panels, setPanels] = useState<string[]>([]);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const body = { name, ...(password ? { password } : {}), ...(limited ? { panels } : {}) };
      const result = await api.post<{ path: string }>(`${base}/shared-links`, body);
      setCreated(`${location.origin}${result.path}`);
      setName('');
      setPassword('');
      setVersion(version + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const revoke = async (link: SharedLinkInfo) => {
    if (!window.confirm(`Revoke the shared link “${link.name}”? Anyone using it loses access at once.`))
      return;
    setError(null);
    try {
      await api.delete(`${base}/shared-links/${encodeURIComponent(link.id)}`);
      setVersion(version + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const setPublic = async (value: boolean) => {
    setError(null);
    try {
      await api.put(`${base}/public`, { public: value });
      setVersion(version + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const toggle = (panel: string, on: boolean) =>
    setPanels(on ? [...panels, panel] : panels.filter((item) => item !== panel));

  return (
    <section class="card" data-testid="shared-links">
      <h2>Shared links</h2>
      <p class="muted small">
        Anyone with a shared link sees this site's dashboard, read-only: every filter and date range, no
        settings, no keys and no other site. Revoking a link ends its access at once.
      </p>
      {created && (
        <div class="notice new-key" data-testid="new-shared-link">
          <p>Copy this address now; it will not be shown again.</p>
          <code class="secret">{created}</code>
          <CopyButton text={created} />
        </div>
      )}
      <form onSubmit={submit} data-testid="shared-link-form">
        <div class="form-row">
          <label>
            Name
            <input
              name="share-name"
              required
              placeholder="Investors"
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
          <label>
            Password (optional)
            <input
              name="share-password"
              type="password"
              autocomplete="new-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="button">
            Create link
          </button>
        </div>
        <label class="small">
          <input
            type="checkbox"
            name="share-limited"
            checked={limited}
            onChange={(e) => setLimited(e.currentTarget.checked)}
          />{' '}
          Show only some panels
        </label>
        {limited && (
          <div class="form-row small" data-testid="share-panels">
            {panelChoices.map((choice) => (
              <label key={choice.id}>
                <input
                  type="checkbox"
                  name={`share-panel-${choice.id}`}
                  checked={panels.includes(choice.id)}
                  onChange={(e) => toggle(choice.id, e.currentTarget.checked)}
                />{' '}
                {choice.label}
              </label>
            ))}
          </div>
        )}
      </form>
      {error && <p class="form-error">{error}</p>}
      {list.error && <p class="form-error">{list.error}</p>}
      {list.data && list.data.links.length > 0 && (
        <table class="breakdown keys" data-testid="shared-link-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Password</th>
              <th>Panels</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.links.map((link) => (
              <tr key={link.id} data-link={link.id}>
                <td>{link.name}</td>
                <td>{link.password_protected ? 'Yes' : 'No'}</td>
                <td>{link.panels === null ? 'All' : link.panels.join(', ')}</td>
                <td>{link.created_at.slice(0, 10)}</td>
                <td>
                  <button type="button" class="button secondary small" onClick={() => revoke(link)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && (
        <label class="small" data-testid="share-public">
          <input
            type="checkbox"
            name="share-public"
            checked={list.data.public}
            onChange={(e) => void setPublic(e.currentTarget.checked)}
          />{' '}
          Make this dashboard public at{' '}
          <code>
            {location.origin}
            {list.data.public_path}
          </code>{' '}
          (anyone may read it, no link needed)
        </label>
      )}
    </section>
  );
}
