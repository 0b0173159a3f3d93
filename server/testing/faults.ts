import { sql } from 'kysely';
import type { OpenedDatabase } from '../db/database.ts';

/**
 * Makes the database refuse to insert a user with this email, in the middle of whatever statement
 * inserts it, the way a failing disk or a broken constraint would. Returns the undo.
 * The trigger is the only SQL here that differs between SQLite and PostgreSQL.
 */
export async function failInsertOfUser(database: OpenedDatabase, email: string): Promise<() => Promise<void>> {
  const { db } = database;
  if (database.dialect === 'sqlite') {
    await sql`create trigger fail_user_insert before insert on users when new.email = ${sql.lit(email)}
      begin select raise(abort, 'injected failure'); end`.execute(db);
    return async () => void (await sql`drop trigger fail_user_insert`.execute(db));
  }
  await sql`create function fail_user_insert() returns trigger language plpgsql as $$
    begin
      if new.email = ${sql.lit(email)} then raise exception 'injected failure'; end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger fail_user_insert before insert on users for each row execute function fail_user_insert()`.execute(db);
  return async () => {
    await sql`drop trigger fail_user_insert on users`.execute(db);
    await sql`drop function fail_user_insert()`.execute(db);
  };
}
