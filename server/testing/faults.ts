import { sql } from 'kysely';
import type { OpenedDatabase } from '../db/database.ts';

/**
 * Makes the database refuse to insert a user with this email, in the middle of whatever statement
 * inserts it, the way a failing disk or a broken constraint would. Returns the undo.
 */
export function failInsertOfUser(database: OpenedDatabase, email: string): Promise<() => Promise<void>> {
  return failInsertWhere(database, 'users', 'email', email);
}

/** The same for an audit entry about this address: the last write of a bulk action, after all the others. */
export function failInsertOfAuditEntry(database: OpenedDatabase, targetEmail: string): Promise<() => Promise<void>> {
  return failInsertWhere(database, 'audit_log', 'target_email', targetEmail);
}

/**
 * A trigger that refuses to insert a row of `table` whose `column` is `value`. The trigger is the
 * only SQL here that differs between SQLite and PostgreSQL.
 */
async function failInsertWhere(database: OpenedDatabase, table: string, column: string, value: string): Promise<() => Promise<void>> {
  const { db } = database;
  const name = sql.raw(`fail_${table}_insert`);
  if (database.dialect === 'sqlite') {
    await sql`create trigger ${name} before insert on ${sql.table(table)} when new.${sql.raw(column)} = ${sql.lit(value)}
      begin select raise(abort, 'injected failure'); end`.execute(db);
    return async () => void (await sql`drop trigger ${name}`.execute(db));
  }
  await sql`create function ${name}() returns trigger language plpgsql as $$
    begin
      if new.${sql.raw(column)} = ${sql.lit(value)} then raise exception 'injected failure'; end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger ${name} before insert on ${sql.table(table)} for each row execute function ${name}()`.execute(db);
  return async () => {
    await sql`drop trigger ${name} on ${sql.table(table)}`.execute(db);
    await sql`drop function ${name}()`.execute(db);
  };
}
