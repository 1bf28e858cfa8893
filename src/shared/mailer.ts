import type * as Nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { MailConfig, OutboundTimeouts } from '../config';
import type { Logger } from './logger';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends e-mail. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** The marker that opens a development mail in the log, so people can find the link. */
export const DEV_MAIL_MARKER = '===== DEVELOPMENT E-MAIL (NOT SENT: SMTP_URL IS NOT SET) =====';

/** When the app's own outbound timeouts are not given (scripts, tests): the outbound defaults. */
const DEFAULT_TIMEOUTS: OutboundTimeouts = { connectTimeoutMs: 5000, totalTimeoutMs: 10000 };

/**
 * SMTP through nodemailer when SMTP_URL is set, with the app's outbound timeouts (a connect timeout, and a total one
 * that aborts the send and closes its connection: a server that accepts and never answers keeps no socket).
 * Without it (development), the whole message, link included, is printed to the console with
 * {@link DEV_MAIL_MARKER}: the one documented exception to "no personal data in logs".
 */
export function createMailer(
  config: MailConfig,
  logger: Logger,
  print: (text: string) => void = (t) => process.stdout.write(t),
  timeouts: OutboundTimeouts = DEFAULT_TIMEOUTS,
): Mailer {
  if (!config.smtpUrl) {
    return {
      async send(message) {
        print(
          `\n${DEV_MAIL_MARKER}\nTo: ${message.to}\nSubject: ${message.subject}\n\n${message.text}\n${'='.repeat(DEV_MAIL_MARKER.length)}\n`,
        );
      },
    };
  }
  const smtpUrl = config.smtpUrl;
  // nodemailer is loaded with the first message: most processes never send one, and its modules would stay in the heap.
  let transport: Transporter | undefined;
  return {
    async send(message) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        transport ??= (require('nodemailer') as typeof Nodemailer).createTransport({
          url: smtpUrl,
          connectionTimeout: timeouts.connectTimeoutMs,
          greetingTimeout: timeouts.totalTimeoutMs,
          socketTimeout: timeouts.totalTimeoutMs,
        });
        await transport.sendMail({
          from: config.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          // The total bound: an aborted send closes its connection, whatever step it was waiting in.
          signal: AbortSignal.timeout(timeouts.totalTimeoutMs),
        });
      } catch (error) {
        // The caller answers the same whatever happens (no account enumeration); operators see the failure.
        logger.error({ err: error }, 'sending e-mail failed');
        throw error;
      }
    },
  };
}
