import { useState } from 'preact/hooks';
import { api, describeError, type SiteInfo } from '../api.ts';
import { useApi } from '../dashboard/use-stats.ts';
import { CopyButton } from '../pages/snippet-tabs.tsx';
import { navigate } from '../router.ts';
import { roleAtLeast, roleLabels, type SiteRole } from './roles.ts';

interface MemberInfo {
  user_id: string;
  email: string;
  role: SiteRole;
}

interface InviteInfo {
  id: string;
  email: string;
  role: SiteRole;
  expires_at: string;
}

/**
 * Who has access to the site (site settings, for admins and owners): members with their roles and
 * open invitations. Owners invite by email (a one-time link, valid 7 days, shown here once),
 * change roles and remove members. Anyone may leave, except the site's last owner.
 */
export function MembersSection(props: { site: SiteInfo; myEmail: string }) {
  const base = `/sites/${encodeURIComponent(props.site.id)}`;
  const owner = roleAtLeast(props.site.role, 'owner');
  const [version, setVersion] = useState(0);
  const listing = useApi(
    () => api.get<{ members: MemberInfo[]; invites: InviteInfo[] }>(`${base}/members`),
    `${base}:members:${version}`,
  );
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<SiteRole>('viewer');
  const [link, setLink] = useState<{ url: string; mailed: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
      setVersion(version + 1);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const invite = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const made = await api.post<{ path: string; mail_sent: boolean }>(`${base}/invites`, { email, role });
      setLink({ url: `${location.origin}${made.path}`, mailed: made.mail_sent });
      setEmail('');
    });
  };
  const remove = (member: MemberInfo) => {
    if (!window.confirm(`Remove ${member.email}? Their access to this site ends at once.`)) return;
    void act(() => api.delete(`${base}/members/${encodeURIComponent(member.user_id)}`));
  };

  return (
    <section class="card" data-testid="members">
      <h2>Members</h2>
      {listing.error && <p class="form-error">{listing.error}</p>}
      {listing.data && (
        <table class="breakdown keys" data-testid="member-list">
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {listing.data.members.map((member) => (
              <tr key={member.user_id} data-member={member.email}>
                <td>{member.email}</td>
                <td>
                  {owner && member.email !== props.myEmail ? (
                    <select
                      aria-label={`Role of ${member.email}`}
                      value={member.role}
                      onChange={(e) =>
                        void act(() =>
                          api.patch(`${base}/members/${encodeURIComponent(member.user_id)}`, {
                            role: e.currentTarget.value,
                          }),
                        )
                      }
                    >
                      <option value="viewer">viewer</option>
                      <option value="admin">admin</option>
                      <option value="owner">owner</option>
                    </select>
                  ) : (
                    member.role
                  )}
                </td>
                <td>
                  {owner && member.email !== props.myEmail && (
                    <button type="button" class="button secondary small" onClick={() => remove(member)}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {listing.data.invites.map((item) => (
              <tr key={item.id} class="muted" data-invite={item.email}>
                <td>{item.email}</td>
                <td>
                  {item.role} (invited, until {item.expires_at.slice(0, 10)})
                </td>
                <td>
                  {owner && (
                    <button
                      type="button"
                      class="button secondary small"
                      onClick={() =>
                        void act(() => api.delete(`${base}/invites/${encodeURIComponent(item.id)}`))
                      }
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {link && (
        <div class="notice new-key" data-testid="new-invite">
          <p>
            {link.mailed
              ? 'The invitation was mailed. Its one-time link (valid 7 days) is also here, shown once:'
              : 'Send this one-time link to the person you invited (valid 7 days; no mail was sent: the server has no mail settings). It will not be shown again.'}
          </p>
          <code class="secret">{link.url}</code>
          <CopyButton text={link.url} />
        </div>
      )}
      {owner && (
        <form class="form-row" onSubmit={invite} data-testid="invite-form">
          <label>
            Email
            <input
              name="invite-email"
              type="email"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </label>
          <label>
            Role
            <select
              name="invite-role"
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as SiteRole)}
            >
              <option value="viewer">{roleLabels.viewer}</option>
              <option value="admin">{roleLabels.admin}</option>
              <option value="owner">{roleLabels.owner}</option>
            </select>
          </label>
          <button type="submit" class="button">
            Invite
          </button>
        </form>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Ends the signed-in user's own membership (any role; the last owner is refused by the server). */
export function LeaveSite(props: { site: SiteInfo; myUserId: string }) {
  const [error, setError] = useState<string | null>(null);
  const leave = async () => {
    if (!window.confirm(`Leave ${props.site.name}? You lose access until someone invites you again.`)) return;
    try {
      await api.delete(
        `/sites/${encodeURIComponent(props.site.id)}/members/${encodeURIComponent(props.myUserId)}`,
      );
      navigate('/sites');
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <section class="card" data-testid="leave-site">
      <h2>Your access</h2>
      <p class="muted small">
        Your role on this site: <strong data-testid="my-role">{props.site.role ?? 'owner'}</strong>.
      </p>
      <button type="button" class="button secondary" onClick={leave}>
        Leave this site
      </button>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
