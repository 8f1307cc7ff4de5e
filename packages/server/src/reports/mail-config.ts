/**
 * Outgoing mail (issue 21: email reports). Without `ZENOVAY_SMTP_URL` no mail is sent at all and
 * the settings page says so. The sender is `ZENOVAY_SMTP_FROM`; links in mails (unsubscribe) start
 * with `ZENOVAY_PUBLIC_URL`, the address people reach the dashboard at.
 */
export interface MailConfig {
  /** `smtp://user:pass@host:587` or `smtps://…:465` (nodemailer's URL form); null: no mail. */
  readonly smtpUrl: string | null;
  readonly from: string | null;
  /** `https://analytics.example.com`, without a trailing slash. */
  readonly publicUrl: string | null;
}

export const noMail: MailConfig = Object.freeze({ smtpUrl: null, from: null, publicUrl: null });

type Env = Readonly<Record<string, string | undefined>>;

export function mailConfigFrom(env: Env): MailConfig {
  const smtpUrl = env.ZENOVAY_SMTP_URL || null;
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl))
    throw new Error('ZENOVAY_SMTP_URL must start with smtp:// or smtps://');
  const publicUrl = env.ZENOVAY_PUBLIC_URL ? env.ZENOVAY_PUBLIC_URL.replace(/\/+$/, '') : null;
  if (publicUrl !== null && !/^https?:\/\/[^/]+/.test(publicUrl))
    throw new Error('ZENOVAY_PUBLIC_URL must be an http(s) address such as https://analytics.example.com');
  return Object.freeze({ smtpUrl, from: env.ZENOVAY_SMTP_FROM || null, publicUrl });
}

/** Why reports cannot be sent, or null when they can. */
export function mailProblem(mail: MailConfig): string | null {
  if (mail.smtpUrl === null)
    return 'No mail server is configured (ZENOVAY_SMTP_URL), so no reports are sent.';
  if (mail.from === null)
    return 'No sender address is configured (ZENOVAY_SMTP_FROM), so no reports are sent.';
  if (mail.publicUrl === null)
    return 'The server does not know its public address (ZENOVAY_PUBLIC_URL) for unsubscribe links, so no reports are sent.';
  return null;
}
