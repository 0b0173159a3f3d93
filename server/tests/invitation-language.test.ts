import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTRPCClient, httpLink } from '@trpc/client';
import { sql } from 'kysely';
import type { AppRouter } from '../../shared/router.ts';
import * as invitationLanguage from '../db/migrations/0013-invitation-language.ts';
import { invitationTokenFor, seedWorkspace, startTestServer, type SeededPerson, type TestServer } from '../testing/harness.ts';
import { requestLanguage } from '../request-language.ts';
import { rejectsWith } from '../testing/assertions.ts';
import { workbook, upload } from '../testing/spreadsheets.ts';

/** The admin's client as their element sends it: its `lang` in `Accept-Language`. */
const speaking = (server: TestServer, admin: SeededPerson, language: string) =>
  createTRPCClient<AppRouter>({
    links: [httpLink({ url: server.apiUrl, headers: () => ({ authorization: `Bearer ${admin.token}`, 'accept-language': language }) })],
  });

describe('the invitation speaks the inviting admin’s language', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('invited from a German element: the email is German and the preview says de', async () => {
    const { admin } = await seedWorkspace(server, 'Deutsch');
    await speaking(server, admin, 'de').users.invite.mutate({ email: 'kira@deutsch.test', firstName: 'Kira' });
    const token = await invitationTokenFor(server, 'kira@deutsch.test');
    const mail = server.mailbox.latestTo('kira@deutsch.test')!;
    assert.equal(mail.subject, 'Einladung zu Deutsch');
    assert.match(mail.text, /^Hallo Kira,\n\nOlivia Owner hat Sie zu Deutsch auf PANTA OS eingeladen\.\nEinladung annehmen: https:\/\/portal\.test\/accept#token=/);
    assert.match(mail.text, /Der Link funktioniert einmal und läuft am \d+\. \p{L}+ \d{4} um \d\d:\d\d UTC ab\./u);
    assert.match(mail.html ?? '', /hat Sie zu <strong>Deutsch<\/strong> auf PANTA OS eingeladen/);
    assert.equal((await server.client().invitations.preview.query({ token })).language, 'de');

    // Once used, the refusal names the language too, so the reopened page says why in German.
    await server.client().invitations.accept.mutate({ token, firstName: 'Kira', lastName: 'Klein' });
    await rejectsWith(server.client().invitations.preview.query({ token }), { reason: 'TOKEN_USED', language: 'de' });
  });

  it('without a language, or with one we do not speak, the invitation is English', async () => {
    const { admin } = await seedWorkspace(server, 'English');
    await admin.client.users.invite.mutate({ email: 'ann@english.test' });
    await speaking(server, admin, 'fr-FR, es;q=0.8').users.invite.mutate({ email: 'bea@english.test' });
    for (const email of ['ann@english.test', 'bea@english.test']) {
      const token = await invitationTokenFor(server, email);
      assert.equal(server.mailbox.latestTo(email)?.subject, 'You are invited to English');
      assert.equal((await server.client().invitations.preview.query({ token })).language, 'en');
    }
  });

  it('a resend and a bulk import speak the language of the admin who sends them', async () => {
    const { admin } = await seedWorkspace(server, 'Resend');
    const invited = await admin.client.users.invite.mutate({ email: 'rita@resend.test' });
    await invitationTokenFor(server, 'rita@resend.test');
    server.clock.advance({ minutes: 2 });
    await speaking(server, admin, 'de-CH').users.resendInvitations.mutate({ ids: [invited.id] });
    const token = await invitationTokenFor(server, 'rita@resend.test');
    assert.equal(server.mailbox.latestTo('rita@resend.test')?.subject, 'Einladung zu Resend');
    assert.equal((await server.client().invitations.preview.query({ token })).language, 'de');

    const file = workbook('xlsx', [['E-Mail', 'Vorname'], ['ida@resend.test', 'Ida']]);
    assert.equal((await speaking(server, admin, 'de').imports.commit.mutate(upload(file))).invited, 1);
    const imported = await invitationTokenFor(server, 'ida@resend.test');
    assert.match(server.mailbox.latestTo('ida@resend.test')?.text ?? '', /^Hallo Ida,/);
    assert.equal((await server.client().invitations.preview.query({ token: imported })).language, 'de');
  });

  it('0013 gives invitations issued before it English, and keeps to en and de', async () => {
    const { admin } = await seedWorkspace(server, 'Migration');
    const db = server.database.db;
    await speaking(server, admin, 'de').users.invite.mutate({ email: 'old@migration.test' });
    await invitationLanguage.down(db as never);
    await invitationLanguage.up(db as never);
    const row = await db.selectFrom('invitations').select('language').where('workspace_id', '=', admin.workspaceId).executeTakeFirstOrThrow();
    assert.equal(row.language, 'en');
    await assert.rejects(sql`update invitations set language = 'fr' where workspace_id = ${admin.workspaceId}`.execute(db));
  });
});

describe('requestLanguage', () => {
  it('takes the most preferred language we speak', () => {
    assert.equal(requestLanguage(undefined), 'en');
    assert.equal(requestLanguage('de'), 'de');
    assert.equal(requestLanguage('DE-at'), 'de');
    assert.equal(requestLanguage('fr, de;q=0.5, en;q=0.4'), 'de');
    assert.equal(requestLanguage('en;q=0.3, de;q=0.9'), 'de');
    assert.equal(requestLanguage('de;q=0, en'), 'en');
    assert.equal(requestLanguage('*'), 'en');
  });
});
