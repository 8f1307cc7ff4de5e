import { useState } from 'preact/hooks';
import { api, describeError, type SiteInfo } from '../api.ts';
import { useApi } from '../dashboard/use-stats.ts';
import { Link } from '../link.tsx';
import { LeaveSite, MembersSection } from '../members/members-section.tsx';
import { roleAtLeast } from '../members/roles.ts';
import { ReportsSection } from '../reports/reports-section.tsx';
import { navigate, useLocation } from '../router.ts';
import { SharedLinksSection } from '../sharing/shared-links-section.tsx';
import { ApiKeysSection } from './api-keys.tsx';
import { FunnelsSection } from './funnels-settings.tsx';
import { GoalsSection } from './goals-settings.tsx';
import { ProxyKeysSection } from './proxy-keys.tsx';
import { CopyButton, SnippetTabs } from './snippet-tabs.tsx';
import { installSnippets } from './snippets.ts';
import { TimezoneField } from './timezone-field.tsx';

/** Install snippets, site details, goals, API keys, proxy keys and deletion for one site. */
export function SiteSettingsPage(props: { siteId: string; user: { id: string; email: string } }) {
  const location = useLocation();
  const [version, setVersion] = useState(0);
  const site = useApi(
    () => api.get<{ site: SiteInfo }>(`/sites/${encodeURIComponent(props.siteId)}`),
    `${props.siteId}:${version}`,
  );
  if (site.error) return <p class="page-error">{site.error}</p>;
  if (!site.data) return <p class="muted">Loading…</p>;
  const info = site.data.site;
  // What the page offers follows the role (the server checks it on every request regardless).
  const admin = roleAtLeast(info.role, 'admin');
  const owner = roleAtLeast(info.role, 'owner');
  return (
    <div class="settings">
      <Link href={`/sites/${encodeURIComponent(info.id)}`} class="muted small">
        ← Dashboard of {info.name}
      </Link>
      <h1>{info.name} settings</h1>
      {location.search.get('created') === '1' && (
        <p class="notice" data-testid="site-created">
          Site added. Install the snippet below, or send a test event with curl, and events appear on the
          dashboard.
        </p>
      )}
      <Snippets site={info} />
      {admin && (
        <>
          <EditSite site={info} onSaved={() => setVersion(version + 1)} />
          <GoalsSection siteId={info.id} />
          <FunnelsSection siteId={info.id} />
          <ApiKeysSection siteId={info.id} />
          <ProxyKeysSection site={info} />
          <SharedLinksSection site={info} />
          <MembersSection site={info} myEmail={props.user.email} />
        </>
      )}
      <ReportsSection site={info} myEmail={props.user.email} />
      <LeaveSite site={info} myUserId={props.user.id} />
      {owner && <DeleteSite site={info} />}
    </div>
  );
}

function Snippets(props: { site: SiteInfo }) {
  const snippets = installSnippets(location.origin, props.site.tracking_code, props.site.domain);
  const [chosen, setChosen] = useState('html');
  const snippet = snippets.find((s) => s.id === chosen) ?? snippets[0]!;
  return (
    <section class="card" data-testid="snippets">
      <header class="card-head">
        <h2>Install</h2>
        <SnippetTabs snippets={snippets} chosen={snippet} onChoose={setChosen} />
      </header>
      <p class="muted small">
        Tracking code <code data-testid="tracking-code">{props.site.tracking_code}</code>
        {snippet.id === 'html'
          ? ' — put this in the <head> of every page.'
          : ' — send events from your server.'}
      </p>
      <pre class="snippet" data-snippet={snippet.id}>
        <code>{snippet.code}</code>
      </pre>
      <CopyButton text={snippet.code} key={snippet.id} />
    </section>
  );
}

function EditSite(props: { site: SiteInfo; onSaved: () => void }) {
  const [domain, setDomain] = useState(props.site.domain);
  const [name, setName] = useState(props.site.name);
  const [timezone, setTimezone] = useState(props.site.timezone);
  const [message, setMessage] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api.patch(`/sites/${encodeURIComponent(props.site.id)}`, { domain, name, timezone });
      setMessage('Saved.');
      props.onSaved();
    } catch (failure) {
      setMessage(describeError(failure));
    }
  };
  return (
    <form class="card" onSubmit={submit} data-testid="edit-site">
      <h2>Site details</h2>
      <div class="form-row">
        <label>
          Domain
          <input name="domain" required value={domain} onInput={(e) => setDomain(e.currentTarget.value)} />
        </label>
        <label>
          Name
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <TimezoneField value={timezone} onChange={setTimezone} />
        <button type="submit" class="button">
          Save
        </button>
      </div>
      {message && <p class="muted small">{message}</p>}
    </form>
  );
}

function DeleteSite(props: { site: SiteInfo }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const remove = async (event: Event) => {
    event.preventDefault();
    try {
      await api.delete(`/sites/${encodeURIComponent(props.site.id)}`, { confirm_domain: typed });
      navigate('/sites');
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <section class="card danger" data-testid="delete-site">
      <h2>Delete site</h2>
      {!open ? (
        <button type="button" class="button danger" onClick={() => setOpen(true)}>
          Delete {props.site.domain}…
        </button>
      ) : (
        <form onSubmit={remove}>
          <p>
            This removes the site and <strong>all of its events</strong>, and revokes its API and proxy keys.
            Type <code>{props.site.domain}</code> to confirm.
          </p>
          <div class="form-row">
            <input
              aria-label="Domain to confirm"
              value={typed}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
            <button type="submit" class="button danger" disabled={typed !== props.site.domain}>
              Delete permanently
            </button>
            <button type="button" class="button secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
          {error && <p class="form-error">{error}</p>}
        </form>
      )}
    </section>
  );
}
