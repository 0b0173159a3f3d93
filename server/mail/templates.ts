import type { Language } from '../../shared/constants.ts';
import type { MailMessage } from './mailer.ts';

/** What an invitation email is made of. */
export interface InvitationPayload {
  token: string;
  workspaceName: string;
  inviterName: string;
  firstName: string;
  expiresAt: string;
  /** The inviting admin's language; messages queued before it was kept are English. */
  language?: Language;
}

/**
 * What the outbox keeps of it (`outbox.payload`): everything but the token, which delivery derives
 * again from `nonce` and `index` under the key `keyId` names (server/invitation-keys.ts). Messages
 * queued by earlier versions hold an `InvitationPayload`, token included.
 */
export interface QueuedInvitation extends Omit<InvitationPayload, 'token'> {
  keyId: string;
  nonce: string;
  index: number;
}

interface InvitationText {
  subject: (workspace: string) => string;
  greeting: (firstName: string) => string;
  /** The sentence naming who invited whom to what; `workspace` comes already marked up for HTML. */
  invited: (inviter: string, workspace: string) => string;
  accept: string;
  expires: (date: string) => string;
  /** How the expiry date is written. */
  locale: string;
}

const TEXT: Record<Language, InvitationText> = {
  en: {
    subject: (workspace) => `You are invited to ${workspace}`,
    greeting: (firstName) => (firstName ? `Hello ${firstName},` : 'Hello,'),
    invited: (inviter, workspace) => `${inviter} invited you to ${workspace} on PANTA OS.`,
    accept: 'Accept the invitation',
    expires: (date) => `The link works once and expires on ${date}.`,
    locale: 'en-GB',
  },
  de: {
    subject: (workspace) => `Einladung zu ${workspace}`,
    greeting: (firstName) => (firstName ? `Hallo ${firstName},` : 'Hallo,'),
    invited: (inviter, workspace) => `${inviter} hat Sie zu ${workspace} auf PANTA OS eingeladen.`,
    accept: 'Einladung annehmen',
    expires: (date) => `Der Link funktioniert einmal und läuft am ${date} ab.`,
    locale: 'de-DE',
  },
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function invitationLink(publicUrl: string, token: string): string {
  // The token travels in the fragment, which browsers never send to a server or in a Referer.
  return `${publicUrl}/accept#token=${encodeURIComponent(token)}`;
}

/** The expiry in UTC, spelled out in the email's language: "27 November 2026, 09:30 UTC". */
function expiryText(iso: string, locale: string): string {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso));
  return `${date} UTC`;
}

export function renderInvitation(to: string, payload: InvitationPayload, publicUrl: string): MailMessage {
  const t = TEXT[payload.language ?? 'en'] ?? TEXT.en;
  const link = invitationLink(publicUrl, payload.token);
  const greeting = t.greeting(payload.firstName);
  const expires = t.expires(expiryText(payload.expiresAt, t.locale));
  const text = [greeting, '', t.invited(payload.inviterName, payload.workspaceName), `${t.accept}: ${link}`, '', expires].join('\n');
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${t.invited(escapeHtml(payload.inviterName), `<strong>${escapeHtml(payload.workspaceName)}</strong>`)}</p>`,
    `<p><a href="${escapeHtml(link)}">${escapeHtml(t.accept)}</a></p>`,
    `<p>${escapeHtml(expires)}</p>`,
  ].join('\n');
  return { to, subject: t.subject(payload.workspaceName), text, html };
}
