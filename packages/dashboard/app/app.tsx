import { useEffect, useState } from 'preact/hooks';
import { api, type SessionInfo, setCsrfToken, whenSignedOut } from './api.ts';
import { DashboardPage } from './dashboard/dashboard-page.tsx';
import { Link } from './link.tsx';
import { InvitePage } from './members/invite-page.tsx';
import { AccountPage } from './pages/account.tsx';
import { AuthPage } from './pages/auth-page.tsx';
import { SiteSettingsPage } from './pages/site-settings.tsx';
import { SitesPage } from './pages/sites.tsx';
import { navigate, Redirect, useLocation } from './router.ts';

/** Where to go after signing in: only a path on this origin (never `//other.host`). */
function safeNext(raw: string | null): string {
  return raw?.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/login') ? raw : '/sites';
}

export function App() {
  const location = useLocation();
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const loadSession = () =>
    api.get<SessionInfo>('/session').then(
      (info) => {
        setCsrfToken(info.csrf_token);
        setSession(info);
        return info;
      },
      (error: unknown) => {
        setFailure(error instanceof Error ? error.message : String(error));
        return null;
      },
    );

  useEffect(() => {
    void loadSession();
    whenSignedOut(() => void loadSession());
  }, []);

  if (failure) return <p class="page-error">The dashboard could not reach the server: {failure}</p>;
  if (!session) return <p class="muted center">Loading…</p>;

  // An invitation link works signed in or not: the invitee may not have an account yet.
  const invite = /^\/invite\/([A-Za-z0-9_-]+)$/.exec(location.path);
  if (invite) {
    return (
      <InvitePage
        token={invite[1]!}
        onSignedIn={(user, csrf) => {
          setCsrfToken(csrf);
          setSession({ user, setup_needed: false, csrf_token: csrf });
        }}
      />
    );
  }

  if (!session.user) {
    const mode = session.setup_needed ? 'setup' : 'login';
    const wanted = mode === 'setup' ? '/setup' : '/login';
    if (location.path !== wanted) {
      const next =
        location.path === '/setup' || location.path === '/login'
          ? ''
          : `${location.path}${location.search.size ? `?${location.search}` : ''}`;
      return <Redirect to={next ? `${wanted}?next=${encodeURIComponent(next)}` : wanted} />;
    }
    return (
      <AuthPage
        mode={mode}
        onSignedIn={(user, csrf) => {
          setCsrfToken(csrf);
          setSession({ user, setup_needed: false, csrf_token: csrf });
          navigate(safeNext(location.search.get('next')), { replace: true });
        }}
      />
    );
  }

  const signedOut = (csrfToken: string) => {
    setCsrfToken(csrfToken);
    setSession({ user: null, setup_needed: false, csrf_token: csrfToken });
    navigate('/login', { replace: true });
  };
  const signOut = async () => signedOut((await api.post<{ csrf_token: string }>('/logout')).csrf_token);

  return (
    <div class="shell">
      <header class="topbar">
        <Link href="/sites" class="brand">
          Zenovay
        </Link>
        <div class="topbar-right">
          <span class="small" data-testid="signed-in-as" title="Your account">
            <Link href="/account" class="muted">
              {session.user.email}
            </Link>
          </span>
          <button type="button" class="button secondary small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main class="content">
        {location.path === '/account' ? (
          <AccountPage email={session.user.email} onDeleted={signedOut} />
        ) : (
          <Route path={location.path} user={session.user} />
        )}
      </main>
    </div>
  );
}

function Route(props: { path: string; user: { id: string; email: string } }) {
  const settings = /^\/sites\/([^/]+)\/settings$/.exec(props.path);
  if (settings) return <SiteSettingsPage siteId={decodeURIComponent(settings[1]!)} user={props.user} />;
  const dashboard = /^\/sites\/([^/]+)$/.exec(props.path);
  if (dashboard && dashboard[1] !== 'new')
    return <DashboardPage key={dashboard[1]} siteId={decodeURIComponent(dashboard[1]!)} />;
  if (props.path === '/login' || props.path === '/setup' || props.path === '/') {
    return <Redirect to="/sites" />;
  }
  return <SitesPage />;
}
