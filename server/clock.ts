/** Where time comes from, injected so that tests move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const DAY_MS = 24 * 60 * 60 * 1000;

export function addMs(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

/** A clock moved by hand: tests move it instead of sleeping, and the demo seed walks it through weeks. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: Date | string = '2026-01-05T09:00:00.000Z') {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance({ days = 0, hours = 0, minutes = 0, seconds = 0 }: { days?: number; hours?: number; minutes?: number; seconds?: number }): void {
    this.#now += ((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000;
  }

  set(date: Date | string): void {
    this.#now = new Date(date).getTime();
  }
}
