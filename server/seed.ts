import type { Role } from '../shared/constants.ts';
import { ManualClock } from './clock.ts';
import type { Deps } from './deps.ts';
import type { QueuedInvitation } from './mail/templates.ts';
import type { Caller } from './services/actor.ts';
import { acceptInvitation } from './services/invitations.ts';
import { loadCaller } from './services/sessions.ts';
import { deleteUsersSoftly, inviteUser } from './services/users.ts';
import { createWorkspace } from './services/workspaces.ts';

interface Person {
  first: string;
  last: string;
  role?: Role;
  /** What became of the invitation. */
  fate: 'active' | 'pending' | 'deleted-active' | 'deleted-pending';
}

// Believable people, German and accented names among them, so search and sorting have work to do.
const PEOPLE: Person[] = [
  { first: 'Rüdiger', last: 'Vogel', fate: 'deleted-active' },
  { first: 'Sabine', last: 'Fuchs', fate: 'deleted-active' },
  { first: 'Dominik', last: 'Peters', role: 'admin', fate: 'deleted-active' },
  { first: 'Heike', last: 'Möller', fate: 'deleted-pending' },
  { first: 'Uwe', last: 'Keller', fate: 'deleted-active' },
  { first: 'Jonas', last: 'Becker', role: 'admin', fate: 'active' },
  { first: 'Lena', last: 'Müller', fate: 'active' },
  { first: 'Lukas', last: 'Schröder', fate: 'active' },
  { first: 'Sophie', last: 'Weiß', fate: 'active' },
  { first: 'Maximilian', last: 'Groß', fate: 'active' },
  { first: 'Émilie', last: 'Dubois', fate: 'active' },
  { first: 'Zoë', last: 'Fischer', fate: 'active' },
  { first: 'Paul', last: 'Schmidt', fate: 'active' },
  { first: 'Hannah', last: 'Schneider', role: 'admin', fate: 'active' },
  { first: 'Felix', last: 'Wagner', fate: 'active' },
  { first: 'Mia', last: 'Hoffmann', fate: 'active' },
  { first: 'Leon', last: 'Schäfer', fate: 'active' },
  { first: 'Emma', last: 'Koch', fate: 'active' },
  { first: 'Noah', last: 'Bauer', fate: 'active' },
  { first: 'Clara', last: 'Richter', fate: 'active' },
  { first: 'Elias', last: 'Klein', fate: 'active' },
  { first: 'Ida', last: 'Wolf', fate: 'active' },
  { first: 'Jörg', last: 'Neumann', fate: 'active' },
  { first: 'Frieda', last: 'Schwarz', fate: 'active' },
  { first: 'Matthias', last: 'Zimmermann', fate: 'active' },
  { first: 'Søren', last: 'Krüger', fate: 'active' },
  { first: 'Ana', last: 'Martínez', fate: 'active' },
  { first: 'Björn', last: 'Lange', fate: 'active' },
  { first: 'Greta', last: 'Köhler', fate: 'active' },
  { first: 'Tobias', last: 'Jäger', fate: 'pending' },
  { first: 'Marie', last: 'Hartmann', fate: 'pending' },
  { first: 'Ömer', last: 'Yılmaz', fate: 'pending' },
  { first: 'Luisa', last: 'Lehmann', role: 'admin', fate: 'pending' },
  { first: 'Finn', last: 'Krause', fate: 'pending' },
  { first: 'Amélie', last: 'Roux', fate: 'pending' },
  { first: 'Karl', last: 'Böhm', fate: 'pending' },
  { first: 'Nele', last: 'Schulz', fate: 'pending' },
  { first: 'Janek', last: 'Nowak', fate: 'pending' },
];

const ASCII_SPELLING: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', ø: 'o', ı: 'i' };

/** Company addresses spell names in ASCII: Müller becomes mueller, Zoë zoe. */
const emailOf = (person: Pick<Person, 'first' | 'last'>) =>
  `${person.first}.${person.last}@example.com`
    .toLowerCase()
    .replace(/[äöüßøı]/g, (char) => ASCII_SPELLING[char] ?? char)
    .normalize('NFKD')
    .replace(/[^\x00-\x7f]/g, '');

/**
 * The demo's workspace, by a fixed id: the demo signs people in to it alone, and its reset deletes
 * it alone, whatever other workspaces the database holds.
 */
export const DEMO_WORKSPACE_ID = '00000000-0000-4000-8000-00000000de70';

/**
 * Unless the database has it already, creates the demo workspace: about 40 people whose history
 * spans two months: invitations accepted, pending (some expired), and deletions of different ages.
 * Everything goes through the real services on a clock that walks forward, so the audit log, the
 * outbox and the KPIs are what real use would have produced. Demo mode only.
 */
export async function seedDemoWorkspace(deps: Deps): Promise<{ email: string } | null> {
  const existing = await deps.db.selectFrom('workspaces').select('id').where('id', '=', DEMO_WORKSPACE_ID).executeTakeFirst();
  if (existing) return null;

  const now = deps.clock.now();
  const clock = new ManualClock(new Date(now.getTime() - 60 * 24 * 3600_000));
  // Past invitations are history: their emails are not sent now.
  const seedDeps: Deps = { ...deps, clock, notifyOutbox: () => {} };

  const { owner } = await createWorkspace(seedDeps, {
    id: DEMO_WORKSPACE_ID,
    name: 'Demo workspace',
    owner: { email: 'admin@example.com', firstName: 'Ada', lastName: 'Admin' },
  });
  const admin = (await loadCaller(seedDeps, { workspaceId: owner.workspace_id, userId: owner.id })) as Caller;

  const step = (50 * 24) / PEOPLE.length; // spread over seven weeks, in hours; the last invitations are fresh
  const deletions: { userId: string; at: Date }[] = [];
  const deleteDue = async (until: Date) => {
    deletions.sort((a, b) => a.at.getTime() - b.at.getTime());
    while (deletions[0] && deletions[0].at <= until) {
      const { userId, at } = deletions.shift()!;
      const resume = clock.now();
      clock.set(at);
      await deleteUsersSoftly(seedDeps, admin, [userId]);
      clock.set(resume > at ? resume : at);
    }
  };
  for (const [index, person] of PEOPLE.entries()) {
    clock.advance({ hours: step * (0.6 + (index % 3) * 0.4) });
    await deleteDue(clock.now());
    const user = await inviteUser(seedDeps, admin, {
      email: emailOf(person),
      firstName: person.fate === 'pending' ? '' : person.first,
      lastName: person.fate === 'pending' ? '' : person.last,
      role: person.role ?? 'user',
    });
    if (person.fate === 'active' || person.fate === 'deleted-active') {
      clock.advance({ hours: 5 });
      const token = await pendingToken(seedDeps, user.id);
      await acceptInvitation(seedDeps, { token, firstName: person.first, lastName: person.last });
    }
    if (person.fate.startsWith('deleted')) {
      // Deleted 1 to 25 days ago, so "purged in N days" varies.
      deletions.push({ userId: user.id, at: new Date(now.getTime() - (1 + index * 6) * 24 * 3600_000) });
    }
  }
  await deleteDue(now);
  // Clear the payloads of seeded history so no token lingers in the outbox.
  await deps.db.updateTable('outbox').set({ payload: null, dropped_at: now.toISOString() }).where('delivered_at', 'is', null).execute();

  return { email: owner.email };
}

/** The token of a user's open invitation, made again from its queued email before it is delivered. */
async function pendingToken(deps: Deps, userId: string): Promise<string> {
  const row = await deps.db
    .selectFrom('outbox')
    .innerJoin('invitations', 'invitations.id', 'outbox.invitation_id')
    .select('outbox.payload')
    .where('invitations.user_id', '=', userId)
    .where('invitations.used_at', 'is', null)
    .where('invitations.revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  const { keyId, nonce, index } = JSON.parse(row.payload ?? '{}') as QueuedInvitation;
  return deps.invitationKeys.tokenOf(keyId, nonce, index)!;
}
