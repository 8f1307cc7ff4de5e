import { useState } from 'preact/hooks';
import { api, describeError } from '../api.ts';

interface SignedIn {
  user: { id: string; email: string };
  csrf_token: string;
}

/** Sign-in, or the one-time setup that creates the first account. */
export function AuthPage(props: {
  mode: 'login' | 'setup';
  onSignedIn: (user: SignedIn['user'], csrfToken: string) => void;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const setup = props.mode === 'setup';

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<SignedIn>(setup ? '/setup' : '/login', { email, password });
      props.onSignedIn(result.user, result.csrf_token);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="auth">
      <form class="card auth-card" onSubmit={submit}>
        <h1 class="brand-big">Zenovay</h1>
        <h2>{setup ? 'Create the first account' : 'Sign in'}</h2>
        {setup && (
          <p class="muted small">
            No account exists yet. The account you create here owns every site; more people can be added with{' '}
            <code>npx zenovay users add &lt;email&gt;</code>.
          </p>
        )}
        <label>
          Email
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autocomplete={setup ? 'new-password' : 'current-password'}
            required
            minLength={setup ? 10 : undefined}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button" disabled={busy}>
          {setup ? 'Create account' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
