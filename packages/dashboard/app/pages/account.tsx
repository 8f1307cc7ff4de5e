import { useState } from 'preact/hooks';
import { api, describeError } from '../api.ts';

/**
 * The signed-in person's account: "Delete my account" asks for the current password again; the
 * server deletes the sites only this account owns (with their events) and signs it out.
 */
export function AccountPage(props: { email: string; onDeleted: (csrfToken: string) => void }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const remove = async (event: Event) => {
    event.preventDefault();
    try {
      const result = await api.delete<{ csrf_token: string }>('/account', { password });
      props.onDeleted(result.csrf_token);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <section class="card danger" data-testid="delete-account">
      <h2>Delete my account</h2>
      <p class="muted small">Signed in as {props.email}.</p>
      {!open ? (
        <button type="button" class="button danger" onClick={() => setOpen(true)}>
          Delete my account…
        </button>
      ) : (
        <form onSubmit={remove}>
          <p>
            This deletes your account and every site only you own, with <strong>all of its events</strong> and
            keys. Sites shared with others stay. Enter your password to confirm.
          </p>
          <div class="form-row">
            <input
              type="password"
              aria-label="Current password"
              autocomplete="current-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <button type="submit" class="button danger" disabled={password === ''}>
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
