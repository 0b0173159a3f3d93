import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import { dialectOf } from './dialect.ts';

/** Stands in for a named value while a statement is compiled; where it lands in the parameters, that value goes. */
class Slot {
  constructor(readonly name: string) {}
}

interface Template {
  sql: string;
  /** Each parameter: a slot filled per call, or a value the shape fixed. */
  parameters: readonly unknown[];
}

/**
 * A statement run on every request, built by Kysely once per dialect and shape instead of on
 * every call. Building a query and compiling it cost Kysely about half as much again as SQLite
 * took to run the list's statements (issue 17's profile); its SQL depends only on the shape.
 *
 * `shape` holds what decides the SQL (which tab, which order): it is the cache's key, so it must
 * come from a small closed set (a few hundred shapes at most), never from free input. `values`
 * holds what only fills parameters (ids, offset, limit): `build` sees stand-ins for them while the
 * statement is compiled, and each call's values take their places. So `build` must pass a value
 * to Kysely untouched, never look at it or change it (a LIKE pattern made from a word is shape,
 * or belongs in a query built per call); a value that does not arrive as a parameter is an error.
 */
export function reusableQuery<DB, Shape, Values extends Record<string, unknown>, Row>(
  name: string,
  build: (db: Kysely<DB>, shape: Shape, values: Values) => Compilable<Row>,
): (db: Kysely<DB>, shape: Shape, values: Values) => Promise<Row[]> {
  const templates = new Map<string, Template>();
  const compile = (db: Kysely<DB>, shape: Shape, values: Values): Template => {
    const slots = Object.fromEntries(Object.keys(values).map((key) => [key, new Slot(key)]));
    const compiled = build(db, shape, slots as unknown as Values).compile();
    const used = new Set(compiled.parameters.filter((parameter) => parameter instanceof Slot).map((slot) => slot.name));
    const lost = Object.keys(values).filter((key) => !used.has(key));
    if (lost.length > 0) throw new Error(`${name}: ${lost.join(', ')} did not become a parameter of the statement`);
    return { sql: compiled.sql, parameters: compiled.parameters };
  };
  return async (db, shape, values) => {
    const key = `${dialectOf(db)} ${JSON.stringify(shape)}`;
    let template = templates.get(key);
    if (!template) templates.set(key, (template = compile(db, shape, values)));
    const parameters = template.parameters.map((parameter) => (parameter instanceof Slot ? values[parameter.name] : parameter));
    return (await db.executeQuery(CompiledQuery.raw(template.sql, parameters))).rows as Row[];
  };
}
