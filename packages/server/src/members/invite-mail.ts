import type { Mailer } from '../reports/mailer.ts';
import type { Site } from '../store/types.ts';
import type { InviteRecord } from './types.ts';

/** Names and addresses go into the mail as text; in HTML they are escaped. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Mails an invitation's one-time link to the invited address (when the server has mail settings). */
export async function mailInvite(
  mailer: Mailer,
  invite: InviteRecord,
  site: Site,
  inviteUrl: string,
  inviterEmail: string | null,
): Promise<void> {
  const by = inviterEmail ? `${inviterEmail} invites you` : 'You are invited';
  const subject = `${by} to ${site.name} on Zenovay`;
  const expires = new Date(invite.expiresAtMs).toISOString().slice(0, 10);
  const text = [
    `${by} to the analytics of ${site.name} (${site.domain}) as ${invite.role}.`,
    '',
    `Accept (one use, until ${expires}): ${inviteUrl}`,
    '',
    'If you did not expect this, ignore this mail: nothing happens unless the link is used.',
    '',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif">
<p>${escapeHtml(by)} to the analytics of <strong>${escapeHtml(site.name)}</strong> (${escapeHtml(site.domain)}) as ${escapeHtml(invite.role)}.</p>
<p><a href="${escapeHtml(inviteUrl)}">Accept the invitation</a> (one use, until ${expires}).</p>
<p style="color:#666;font-size:12px">If you did not expect this, ignore this mail: nothing happens unless the link is used.</p>
</body></html>`;
  await mailer({ to: invite.email, subject, text, html });
}
