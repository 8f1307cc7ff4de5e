import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../api.ts';
import { Link } from '../link.tsx';
import { navigate } from '../router.ts';

interface InviteOffer {
  site: { name: string; domain: string };
  email: string;
  role: string;
  account_exists: boolean;
  signed_in_as: string | null;
}

/**
 * An invitation link (`/invite/<token>`): accepted while signed in as the invited email, or — when
 * that email has no account — by choosing a password, which creates the account.
 */
export function InvitePage(props: {
  token: string;
  onSignedIn: (user: { id: string; email: string }, csrfToken: string) => void;
}) {
  const [offer, setOffer] = useState<InviteOffer | null>(null);
  const [missing, setMissing] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const path = `/invites/${encodeURIComponent(props.token)}`;
  useEffect(() => {
    api.get<InviteOffer>(path).then(setOffer, (failure: unknown) => {
      if (failure instanceof ApiError && failure.code === 'NOT_FOUND') setMissing(true);
      else setError(describeError(failure));
    });
  }, [path]);

  const accept = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const result = await api.post<{
        site_id: string;
        user: { id: string; email: string };
        csrf_token: string;
      }>(`${path}/accept`, offer?.signed_in_as ? {} : { password });
      props.onSignedIn(result.user, result.csrf_token);
      navigate(`/sites/${encodeURIComponent(result.site_id)}`, { replace: true });
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  const next = encodeURIComponent(`/invite/${props.token}`);
  return (
    <div class="auth">
      <div class="card auth-card" data-testid="invite">
        <h1 class="brand-big">Zenovay</h1>
        {missing && (
          <p class="page-error" data-testid="invite-missing">
            This invitation does not exist any more: it was used, revoked, or is older than 7 days. Ask the
            site's owner for a new one.
          </p>
        )}
        {offer && (
          <form onSubmit={accept}>
            <h2>
              Join {offer.site.name} as {offer.role}
            </h2>
            <p class="muted small">This invitation is for {offer.email}.</p>
            {offer.signed_in_as === null && offer.account_exists && (
              <p>
                <Link href={`/login?next=${next}`}>Sign in as {offer.email}</Link> to accept it.
              </p>
            )}
            {offer.signed_in_as === null && !offer.account_exists && (
              <label>
                Choose a password for your new account
                <input
                  type="password"
                  name="password"
                  autocomplete="new-password"
                  required
                  minLength={10}
                  value={password}
                  onInput={(e) => setPassword(e.currentTarget.value)}
                />
              </label>
            )}
            {(offer.signed_in_as !== null || !offer.account_exists) && (
              <button type="submit" class="button">
                Accept invitation
              </button>
            )}
          </form>
        )}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
