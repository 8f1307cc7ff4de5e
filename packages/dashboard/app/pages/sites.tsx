import { useState } from 'preact/hooks';
import { api, describeError, type SiteInfo } from '../api.ts';
import { useApi } from '../dashboard/use-stats.ts';
import { Link } from '../link.tsx';
import { navigate } from '../router.ts';
import { TimezoneField } from './timezone-field.tsx';
import { browserTimezone } from './timezones.ts';

/** The signed-in user's sites, and the form to add one. */
export function SitesPage() {
  const sites = useApi(() => api.get<{ sites: SiteInfo[] }>('/sites'), 'sites');
  return (
    <div class="sites-page">
      <h1>Your sites</h1>
      {sites.error && <p class="page-error">{sites.error}</p>}
      {sites.data && sites.data.sites.length === 0 && (
        <p class="empty-state">No sites yet. Add the domain of the website you want to measure below.</p>
      )}
      {sites.data && sites.data.sites.length > 0 && (
        <ul class="site-list" data-testid="site-list">
          {sites.data.sites.map((site) => (
            <li class="card site-row" key={site.id}>
              <Link href={`/sites/${encodeURIComponent(site.id)}`} class="site-link">
                <strong>{site.name}</strong>
                {site.name !== site.domain && <span class="muted small"> {site.domain}</span>}
              </Link>
              <span class="muted small">
                {site.timezone}
                {site.role && site.role !== 'owner' && <span data-testid="site-role"> · {site.role}</span>}
              </span>
              <Link href={`/sites/${encodeURIComponent(site.id)}/settings`} class="button secondary small">
                Settings
              </Link>
            </li>
          ))}
        </ul>
      )}
      <AddSiteForm />
    </div>
  );
}

function AddSiteForm() {
  const [domain, setDomain] = useState('');
  const [timezone, setTimezone] = useState(browserTimezone());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { site } = await api.post<{ site: SiteInfo }>('/sites', { domain, timezone });
      navigate(`/sites/${encodeURIComponent(site.id)}/settings?created=1`);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card add-site" onSubmit={submit} data-testid="add-site">
      <h2>Add a site</h2>
      <div class="form-row">
        <label>
          Domain
          <input
            name="domain"
            placeholder="example.com"
            required
            value={domain}
            onInput={(e) => setDomain(e.currentTarget.value)}
          />
        </label>
        <TimezoneField value={timezone} onChange={setTimezone} />
        <button type="submit" class="button" disabled={busy}>
          Add site
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
