import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, describeError, setApiBase } from '../api.ts';
import { DashboardPage } from '../dashboard/dashboard-page.tsx';
import { ViewModeContext } from './view-mode.ts';

interface ShareInfo {
  site: { id: string; domain: string; name: string; timezone: string };
  panels: string[] | null;
  kind: 'link' | 'public';
}

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'locked' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'open'; readonly info: ShareInfo };

/**
 * The read-only dashboard of a shared link or a public site: no session, no navigation to other
 * sites or settings. Every request goes to `/api/share/<key>/…`, which answers only reads of the
 * one site the key opens.
 */
export function SharedApp(props: { shareKey: string }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    setApiBase(`/api/share/${encodeURIComponent(props.shareKey)}`);
    api.get<ShareInfo>('').then(
      (info) => setState({ kind: 'open', info }),
      (error: unknown) => {
        if (error instanceof ApiError && error.code === 'SHARE_PASSWORD_REQUIRED')
          setState({ kind: 'locked' });
        else if (error instanceof ApiError && error.code === 'NOT_FOUND') setState({ kind: 'missing' });
        else setState({ kind: 'failed', message: describeError(error) });
      },
    );
  }, [props.shareKey, version]);

  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">Zenovay</span>
        <span class="muted small" data-testid="shared-badge">
          Shared dashboard · read-only
        </span>
      </header>
      <main class="content">
        {state.kind === 'loading' && <p class="muted center">Loading…</p>}
        {state.kind === 'missing' && (
          <p class="page-error" data-testid="share-missing">
            There is no shared dashboard at this address. The link may have been revoked or mistyped.
          </p>
        )}
        {state.kind === 'failed' && <p class="page-error">{state.message}</p>}
        {state.kind === 'locked' && <UnlockForm onUnlocked={() => setVersion(version + 1)} />}
        {state.kind === 'open' && (
          <ViewModeContext.Provider value={{ shared: true, panels: state.info.panels, configurable: false }}>
            <DashboardPage siteId={state.info.site.id} />
          </ViewModeContext.Provider>
        )}
      </main>
    </div>
  );
}

function UnlockForm(props: { onUnlocked: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await api.post('/unlock', { password });
      props.onUnlocked();
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <form class="card auth-card" onSubmit={submit} data-testid="share-unlock">
      <h1>This dashboard is protected</h1>
      <p class="muted small">Enter the password you were given with the link.</p>
      <label>
        Password
        <input
          name="share-password"
          type="password"
          required
          autocomplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="button">
        View dashboard
      </button>
      {error && (
        <p class="form-error" data-testid="share-unlock-error">
          {error}
        </p>
      )}
    </form>
  );
}
