import type { PantaEvent, PantaEventName } from '../events/events.ts';

/** Records every `panta-…` event a target hears, to check each fired once with the right detail. */
export function recordEvents(target: EventTarget, names: PantaEventName[]) {
  const seen: PantaEvent<PantaEventName>[] = [];
  for (const name of names) target.addEventListener(name, (event) => seen.push(event as PantaEvent<PantaEventName>));
  return {
    all: seen,
    of<K extends PantaEventName>(name: K): PantaEvent<K>[] {
      return seen.filter((event) => event.type === name) as unknown as PantaEvent<K>[];
    },
  };
}
