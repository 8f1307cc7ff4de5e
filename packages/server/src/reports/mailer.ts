import nodemailer from 'nodemailer';
import type { MailConfig } from './mail-config.ts';

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Shown by mail programs as their own "unsubscribe" button (RFC 2369). */
  readonly unsubscribeUrl: string;
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
      list: { unsubscribe: { url: mail.unsubscribeUrl, comment: 'Stop these reports' } },
    });
  };
}
