import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * An index for the list's substring search over `search_text` (the folded name and email), so a
 * search no longer reads every user of the tab.
 *
 * SQLite: an FTS5 table with the trigram tokenizer over `users.search_text` (external content: it
 * stores only the index, keyed by the users' rowid, which VACUUM keeps since the rows are copied
 * with their rowids). `case_sensitive 1` because the text is folded already: a trigram then
 * matches exactly the characters LIKE compares. Triggers keep it in step with every write, in the
 * writer's transaction: invites, edits, the bulk import and both purges alike.
 *
 * PostgreSQL: pg_trgm's GIN index, which `LIKE '%…%'` uses by itself. pg_trgm ships with
 * PostgreSQL's contrib (in Debian's package) and is a trusted extension: the database's owner may
 * create it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index users_search_trigram on users using gin (search_text gin_trgm_ops)`.execute(db);
    return;
  }
  await sql`
    create virtual table users_search using fts5(
      search_text, content = 'users', content_rowid = 'rowid', tokenize = 'trigram case_sensitive 1'
    )`.execute(db);
  await sql`
    create trigger users_search_insert after insert on users begin
      insert into users_search (rowid, search_text) values (new.rowid, new.search_text);
    end`.execute(db);
  await sql`
    create trigger users_search_delete after delete on users begin
      insert into users_search (users_search, rowid, search_text) values ('delete', old.rowid, old.search_text);
    end`.execute(db);
  await sql`
    create trigger users_search_update after update of search_text on users
    when old.search_text is not new.search_text begin
      insert into users_search (users_search, rowid, search_text) values ('delete', old.rowid, old.search_text);
      insert into users_search (rowid, search_text) values (new.rowid, new.search_text);
    end`.execute(db);
  await sql`insert into users_search (users_search) values ('rebuild')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`drop index users_search_trigram`.execute(db);
    return;
  }
  for (const trigger of ['users_search_insert', 'users_search_delete', 'users_search_update']) {
    await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  }
  await sql`drop table users_search`.execute(db);
}
