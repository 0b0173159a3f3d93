import type { Language } from '../i18n/localize.ts';

/**
 * The accept page's words, kept beside it rather than in the admin element's catalogs
 * (components/i18n): the invitee's page loads them, the admin element never does.
 */
const en = {
  title: 'Accept your invitation',
  checking: 'Checking your invitation…',
  intro: (workspace: string, email: string) => `You were invited to ${workspace} as ${email}.`,
  submit: 'Complete onboarding',
  welcomeTitle: (name: string) => `Welcome, ${name}!`,
  welcomeBody: 'Your onboarding is complete.',
  continue: 'Continue to sign in',
  expiredTitle: 'This invitation has expired',
  expiredBody: 'Ask the administrator who invited you to send you a new link.',
  usedTitle: 'This invitation has already been used',
  usedBody: 'If you accepted it yourself, sign in to continue.',
  revokedTitle: 'This invitation is no longer valid',
  revokedBody: 'It was replaced by a newer link or withdrawn. Use the link in your latest invitation email, or ask your administrator.',
  invalidTitle: 'This link is not valid',
  invalidBody: 'Open the complete link from your invitation email. If it still does not work, ask your administrator for a new one.',
  failedTitle: 'Your invitation could not be checked',
};

const de: typeof en = {
  title: 'Einladung annehmen',
  checking: 'Ihre Einladung wird geprüft…',
  intro: (workspace: string, email: string) => `Sie wurden als ${email} zu ${workspace} eingeladen.`,
  submit: 'Onboarding abschließen',
  welcomeTitle: (name: string) => `Willkommen, ${name}!`,
  welcomeBody: 'Ihr Onboarding ist abgeschlossen.',
  continue: 'Weiter zur Anmeldung',
  expiredTitle: 'Diese Einladung ist abgelaufen',
  expiredBody: 'Bitten Sie die Person, die Sie eingeladen hat, Ihnen einen neuen Link zu senden.',
  usedTitle: 'Diese Einladung wurde bereits verwendet',
  usedBody: 'Wenn Sie sie selbst angenommen haben, melden Sie sich an, um fortzufahren.',
  revokedTitle: 'Diese Einladung ist nicht mehr gültig',
  revokedBody:
    'Sie wurde durch einen neueren Link ersetzt oder zurückgezogen. Verwenden Sie den Link aus Ihrer neuesten Einladungs-E-Mail oder wenden Sie sich an Ihren Administrator.',
  invalidTitle: 'Dieser Link ist ungültig',
  invalidBody:
    'Öffnen Sie den vollständigen Link aus Ihrer Einladungs-E-Mail. Funktioniert er dann noch immer nicht, bitten Sie Ihren Administrator um einen neuen.',
  failedTitle: 'Ihre Einladung konnte nicht geprüft werden',
};

export const ACCEPT_MESSAGES: Record<Language, typeof en> = { en, de };
