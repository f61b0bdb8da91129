// The one SMTP transport Kefu sends mail through (ticket replies, risk notices). The mail server's TLS certificate
// is verified — on implicit TLS (SMTP_SECURE) and on STARTTLS alike — unless the operator turns that off
// explicitly with SMTP_TLS_REJECT_UNAUTHORIZED=false (a mail relay with a self-signed certificate on a private
// network); src/platform/mail.test.ts fails if certificate checks are switched off anywhere else.
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

export type SmtpConfig = Config['smtp'];

/** Options for nodemailer's SMTP transport from Kefu's configuration. */
export function smtpTransportOptions(smtp: SmtpConfig) {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user && { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
    // Certificates are verified unless the configuration says otherwise (never by default).
    tls: { rejectUnauthorized: smtp.tlsRejectUnauthorized !== false },
  };
}

/** A transport for one send; close it when done. */
export function createMailTransport(smtp: SmtpConfig) {
  return nodemailer.createTransport(smtpTransportOptions(smtp));
}
