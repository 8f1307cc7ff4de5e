import nodemailer from 'nodemailer';
import type { MailConfig } from './mail-config.ts';

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /**
   * Shown by mail programs as their own "unsubscribe" button (RFC 2369 `List-Unsubscribe`); absent
   * for one-off mails such as invitations, which have nothing to unsubscribe from.
   */
  readonly unsubscribeUrl?: string;
  /**
   * The URL also unsubscribes at once when POSTed `List-Unsubscribe=One-Click` (RFC 8058): the
   * mail then says so in `List-Unsubscribe-Post`, and mail programs unsubscribe with one click
   * without opening a page. Only for an https URL (RFC 8058 allows no other); reports set it.
   */
  readonly oneClickUnsubscribe?: boolean;
}

/** The extra headers of a mail whose unsubscribe URL takes RFC 8058 one-click POSTs. */
export function oneClickHeaders(mail: OutgoingMail): Record<string, string> {
  return mail.oneClickUnsubscribe === true && mail.unsubscribeUrl?.startsWith('https://') === true
    ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
    : {};
}

/** Sends one mail; rejects when the SMTP server refuses or cannot be reached. */
export type Mailer = (mail: OutgoingMail) => Promise<void>;

/** A mailer over SMTP with nodemailer, from `ZENOVAY_SMTP_URL`; each send has 30 s at most. */
export function smtpMailer(config: MailConfig): Mailer {
  if (config.smtpUrl === null || config.from === null) throw new Error('mail is not configured');
  const transport = nodemailer.createTransport({
    url: config.smtpUrl,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 30_000,
  });
  const from = config.from;
  return async (mail) => {
    await transport.sendMail({
      from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      // `List-Unsubscribe: <url>`: the bare URL, as RFC 8058 receivers expect it.
      ...(mail.unsubscribeUrl === undefined ? {} : { list: { unsubscribe: mail.unsubscribeUrl } }),
      headers: oneClickHeaders(mail),
    });
  };
}
