import type pg from 'pg';
import { type Clock, systemClock } from './clock.ts';
import type { PantaSettings } from './config.ts';
import type { DB } from './db/database.ts';
import type { Deps } from './deps.ts';
import { type DeliveryReport, deliverOutbox } from './jobs/deliver-outbox.ts';
import { purgeExpiredUsers } from './jobs/purge-expired.ts';
import { invitationKeysFor } from './invitation-keys.ts';
import { ChangeFeed } from './live/change-feed.ts';
import { postgresChangeHints } from './live/postgres-hints.ts';
import { DEVELOPMENT_MAILBOX_WARNING, DevMailbox, MISSING_MAILER, type Mailer } from './mail/mailer.ts';
import { RateLimiter } from './rate-limiter.ts';

export interface UserManagementOptions {
  db: DB;
  settings: PantaSettings;
  /**
   * The server secret (`PANTA_SECRET`), at least 32 random characters (`openssl rand -base64 32`).
   * Invitation links are derived from it, so the database alone opens nothing: keep it out of the
   * database and its backups. Required in production (`production`); elsewhere a random one is made
   * for the process, and emails still queued when it ends are given up.
   */
  secret?: string;
  /**
   * Secrets `secret` replaced (`PANTA_SECRET_PREVIOUS`): links made under them are still sent.
   * Keep them until the outbox has drained (six hours after the switch at most).
   */
  previousSecrets?: readonly string[];
  clock?: Clock;
  /**
   * Where invitation emails go: `createSmtpMailer(smtpUrl, from)`, or a `Mailer` of your own over
   * your provider. Required in production; elsewhere the in-memory development mailbox, which
   * reaches nobody, and the first server started says so in its log.
   */
  mailer?: Mailer;
  /**
   * PostgreSQL: a connection of its own for the live feed's LISTEN (`OpenedDatabase.listenConnection`),
   * so a change on another server reaches this one's streams at once. Without it the feed reads
   * the revisions of subscribed workspaces once per `live.checkIntervalMs` instead.
   */
  listenConnection?: () => pg.Client;
  /**
   * Production requires `secret` and `mailer` rather than stand-ins that work in development
   * only. Defaults to NODE_ENV=production.
   */
  production?: boolean;
  /** Where delivery, purge and live-feed failures go. */
  onJobError?: (job: 'outbox' | 'purge' | 'rate-limit sweep' | 'live feed', error: unknown) => void;
}

/** Runs outbox deliveries one after another; a notify during a run asks for one more run. */
class OutboxDispatcher {
  #running: Promise<void> | null = null;
  #again = false;

  constructor(
    private readonly deliver: () => Promise<DeliveryReport>,
    private readonly onError: (error: unknown) => void,
  ) {}

  notify(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await this.deliver();
        } catch (error) {
          this.onError(error);
        }
      } while (this.#again);
    })().finally(() => {
      this.#running = null;
    });
  }

  /** Resolves when no delivery is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }
}

/**
 * The user-management core, independent of HTTP: the services' dependencies and the background
 * jobs. Register it on a Fastify app with the `pantaUserManagement` plugin.
 */
export class UserManagement {
  readonly deps: Deps;
  readonly mailer: Mailer;
  /** Counts calls per admin, workspace and client address for every server this core is mounted on. */
  readonly rateLimiter: RateLimiter;
  /** The live change feed of this process: `users.changes` streams. */
  readonly changeFeed: ChangeFeed;
  readonly #outbox: OutboxDispatcher;
  readonly #onJobError: NonNullable<UserManagementOptions['onJobError']>;
  #timers: NodeJS.Timeout[] = [];
  /** What the first server started should log: said once, however many servers this core is mounted on. */
  #startWarnings: string[];

  constructor(options: UserManagementOptions) {
    const production = options.production ?? process.env.NODE_ENV === 'production';
    // What production needs, the secret first, checked before anything is set up.
    const invitationKeys = invitationKeysFor(options.secret, options.previousSecrets, production);
    if (!options.mailer && production) throw new Error(MISSING_MAILER);
    this.mailer = options.mailer ?? new DevMailbox();
    this.#startWarnings = options.mailer ? [] : [DEVELOPMENT_MAILBOX_WARNING];
    this.#onJobError = options.onJobError ?? ((job, error) => console.error(`panta ${job} job failed`, error));
    this.#outbox = new OutboxDispatcher(
      () => deliverOutbox(this.deps, this.mailer, (error) => this.#onJobError('outbox', error)),
      (error) => this.#onJobError('outbox', error),
    );
    const clock = options.clock ?? systemClock;
    const onFeedError = (error: unknown) => this.#onJobError('live feed', error);
    this.changeFeed = new ChangeFeed({
      db: options.db,
      clock,
      settings: options.settings.live,
      hints: options.listenConnection ? postgresChangeHints(options.listenConnection, onFeedError) : null,
      onError: onFeedError,
    });
    this.deps = {
      db: options.db,
      clock,
      settings: options.settings,
      invitationKeys,
      notifyOutbox: () => this.#outbox.notify(),
      notifyChanged: (workspaceId) => this.changeFeed.changed(workspaceId),
    };
    this.rateLimiter = new RateLimiter(this.deps.db, this.deps.clock, options.settings.rateLimits);
  }

  /** Logs what a host should hear at start-up (no mailer), once: the plugin calls it when its server is ready. */
  warnAtStart(log: { warn(message: string): void }): void {
    for (const warning of this.#startWarnings.splice(0)) log.warn(warning);
  }

  /** Runs the retention purge now; returns how many users it removed. */
  purgeExpired(): Promise<number> {
    return purgeExpiredUsers(this.deps);
  }

  /** Delivers what is due in the outbox now and waits until nothing is being delivered. */
  async flushOutbox(): Promise<void> {
    await this.#outbox.idle();
    this.#outbox.notify();
    await this.#outbox.idle();
  }

  /** The retention purge (and the sweep of spent rate-limit windows) at start and on an interval; outbox retries every 30 s. */
  startJobs({ purgeIntervalMs, outboxIntervalMs = 30_000 }: { purgeIntervalMs: number; outboxIntervalMs?: number }): void {
    this.stopJobs();
    const purge = () => {
      this.purgeExpired().catch((error) => this.#onJobError('purge', error));
      this.rateLimiter.sweep().catch((error) => this.#onJobError('rate-limit sweep', error));
    };
    void purge();
    this.#outbox.notify();
    this.#timers = [setInterval(purge, purgeIntervalMs), setInterval(() => this.#outbox.notify(), outboxIntervalMs)];
    for (const timer of this.#timers) timer.unref();
  }

  async stopJobs(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    await this.#outbox.idle();
  }
}
