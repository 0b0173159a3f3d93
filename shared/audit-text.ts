/**
 * What each audit action is called, in both languages: the Activity view shows it and the
 * activity export writes it, so that both say the same. Plain data, for the element's lazy chunk.
 */
import type { AuditAction, Language } from './constants.ts';

export const AUDIT_ACTION_TEXT: Record<Language, Record<AuditAction, string>> = {
  en: {
    'user.invited': 'Invited',
    'user.invitation_resent': 'Invitation resent',
    'user.invitation_link_issued': 'Invitation link copied',
    'user.updated': 'Changed',
    'user.deleted': 'Deleted',
    'user.restored': 'Restored',
    'user.purged': 'Deleted permanently',
    'user.purged_by_retention': 'Deleted permanently after retention',
    'user.onboarded': 'Completed onboarding',
    'users.imported': 'Imported users',
    'users.exported': 'Exported users',
    'audit.exported': 'Exported activity',
  },
  de: {
    'user.invited': 'Eingeladen',
    'user.invitation_resent': 'Einladung erneut gesendet',
    'user.invitation_link_issued': 'Einladungslink kopiert',
    'user.updated': 'Geändert',
    'user.deleted': 'Gelöscht',
    'user.restored': 'Wiederhergestellt',
    'user.purged': 'Endgültig gelöscht',
    'user.purged_by_retention': 'Nach Aufbewahrungsfrist endgültig gelöscht',
    'user.onboarded': 'Onboarding abgeschlossen',
    'users.imported': 'Benutzer importiert',
    'users.exported': 'Benutzer exportiert',
    'audit.exported': 'Aktivität exportiert',
  },
};
