import type { MailMessage } from './mailer.ts';

/** What an invitation email is made of. */
export interface InvitationPayload {
  token: string;
  workspaceName: string;
  inviterName: string;
  firstName: string;
  expiresAt: string;
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

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function invitationLink(publicUrl: string, token: string): string {
  // The token travels in the fragment, which browsers never send to a server or in a Referer.
  return `${publicUrl}/accept#token=${encodeURIComponent(token)}`;
}

export function renderInvitation(to: string, payload: InvitationPayload, publicUrl: string): MailMessage {
  const link = invitationLink(publicUrl, payload.token);
  const greeting = payload.firstName ? `Hello ${payload.firstName},` : 'Hello,';
  const expires = new Date(payload.expiresAt).toUTCString();
  const text = [
    greeting,
    '',
    `${payload.inviterName} invited you to ${payload.workspaceName} on PANTA OS.`,
    `Accept the invitation: ${link}`,
    '',
    `The link works once and expires on ${expires}.`,
  ].join('\n');
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(payload.inviterName)} invited you to <strong>${escapeHtml(payload.workspaceName)}</strong> on PANTA OS.</p>`,
    `<p><a href="${escapeHtml(link)}">Accept the invitation</a></p>`,
    `<p>The link works once and expires on ${escapeHtml(expires)}.</p>`,
  ].join('\n');
  return { to, subject: `You are invited to ${payload.workspaceName}`, text, html };
}
