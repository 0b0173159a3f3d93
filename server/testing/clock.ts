import type { Clock } from '../clock.ts';

/** A clock tests move by hand, so nothing ever sleeps. */
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
