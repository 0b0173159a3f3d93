import { readFileSync } from 'node:fs';
import * as z from 'zod';
import {
  DEFAULT_INVITE_TTL_DAYS,
  DEFAULT_MATCHING_MAX_USERS,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_SESSION_TTL_HOURS,
} from '../shared/constants.ts';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './imports/limits.ts';
import { MIN_SECRET_LENGTH } from './invitation-keys.ts';
import { DEFAULT_LIVE_SETTINGS, type LiveSettings } from './live/change-feed.ts';
import { CORS_ORIGINS_RULE, invalidOrigins } from './origins.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limiter.ts';

/** How long the server waits on a client and on itself. */
export interface Timeouts {
  /** The whole request, headers and body, must have arrived by then (`REQUEST_TIMEOUT_MS`): a slow client is cut off with 408. */
  requestTimeoutMs: number;
  /** A request must be answered by then, or it gets 503 (`HANDLER_TIMEOUT_MS`). */
  handlerTimeoutMs: number;
  /** A connection with no traffic either way is closed (`CONNECTION_TIMEOUT_MS`); longer than a handler may take. */
  connectionTimeoutMs: number;
}

/** Long enough for a 10 MB upload at about 1.5 Mbit/s, and for an import of 50,000 rows. */
export const DEFAULT_TIMEOUTS: Timeouts = { requestTimeoutMs: 60_000, handlerTimeoutMs: 120_000, connectionTimeoutMs: 130_000 };

const splitList = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** An on/off switch: `1`/`true` or `0`/`false`/empty; anything else is a typo, not "off". */
const flag = z.enum(['', '0', '1', 'false', 'true']).default('').transform((value) => value === '1' || value === 'true');

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach a server bound there. */
export const isLoopbackHost = (host: string): boolean =>
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || ['localhost', '::1', '[::1]'].includes(host.toLowerCase());

const SECRET_TOO_SHORT = `at least ${MIN_SECRET_LENGTH} characters: a random value such as \`openssl rand -base64 32\` prints`;

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().default('./data/panta.db'),
  RETENTION_DAYS: positiveInt(DEFAULT_RETENTION_DAYS),
  INVITE_TTL_DAYS: positiveInt(DEFAULT_INVITE_TTL_DAYS),
  SESSION_TTL_HOURS: positiveInt(DEFAULT_SESSION_TTL_HOURS),
  PURGE_INTERVAL_MINUTES: positiveInt(60),
  PUBLIC_URL: z.url().optional(),
  SIGN_IN_URL: z.url().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('PANTA <no-reply@localhost>'),
  PANTA_SECRET: z.string().min(MIN_SECRET_LENGTH, SECRET_TOO_SHORT).optional(),
  PANTA_SECRET_FILE: z.string().min(1).optional(),
  PANTA_SECRET_PREVIOUS: z
    .string()
    .default('')
    .refine((value) => splitList(value).every((secret) => secret.length >= MIN_SECRET_LENGTH), { error: `each ${SECRET_TOO_SHORT}` }),
  CORS_ORIGINS: z
    .string()
    .default('')
    .refine((value) => invalidOrigins(splitList(value)).length === 0, { error: `${CORS_ORIGINS_RULE}, comma-separated` }),
  REQUEST_TIMEOUT_MS: positiveInt(DEFAULT_TIMEOUTS.requestTimeoutMs),
  HANDLER_TIMEOUT_MS: positiveInt(DEFAULT_TIMEOUTS.handlerTimeoutMs),
  CONNECTION_TIMEOUT_MS: positiveInt(DEFAULT_TIMEOUTS.connectionTimeoutMs),
  RATE_LIMIT_INVITES_PER_ADMIN: positiveInt(DEFAULT_RATE_LIMITS.invitesPerAdmin),
  RATE_LIMIT_INVITES_PER_WORKSPACE: positiveInt(DEFAULT_RATE_LIMITS.invitesPerWorkspace),
  RATE_LIMIT_IMPORTS_PER_ADMIN: positiveInt(DEFAULT_RATE_LIMITS.importsPerAdmin),
  RATE_LIMIT_IMPORTS_PER_WORKSPACE: positiveInt(DEFAULT_RATE_LIMITS.importsPerWorkspace),
  RATE_LIMIT_IMPORT_TIMEOUT_COST: positiveInt(DEFAULT_RATE_LIMITS.importTimeoutCost),
  RATE_LIMIT_TOKEN_FAILURES_PER_IP: positiveInt(DEFAULT_RATE_LIMITS.tokenFailuresPerIp),
  TRUST_PROXY: z.string().default(''),
  IMPORT_MAX_BYTES: positiveInt(DEFAULT_IMPORT_LIMITS.maxBytes),
  IMPORT_MAX_ROWS: positiveInt(DEFAULT_IMPORT_LIMITS.maxRows),
  // Each statement of an action names its users in one list, and PostgreSQL binds at most 65,535 values.
  MATCHING_MAX_USERS: positiveInt(DEFAULT_MATCHING_MAX_USERS).pipe(z.number().max(50_000, { error: 'at most 50,000 users in one call' })),
  IMPORT_PARSE_TIMEOUT_MS: positiveInt(DEFAULT_IMPORT_LIMITS.parseTimeoutMs),
  IMPORT_PARSE_HEAP_MB: positiveInt(DEFAULT_IMPORT_LIMITS.parseHeapMb),
  DEMO: flag,
  DEMO_ALLOW_REMOTE: flag,
  LIVE_MAX_STREAMS_PER_SESSION: positiveInt(DEFAULT_LIVE_SETTINGS.maxStreamsPerSession),
  LIVE_MAX_STREAMS_PER_SERVER: positiveInt(DEFAULT_LIVE_SETTINGS.maxStreamsPerServer),
  LIVE_CHECK_INTERVAL_MS: positiveInt(DEFAULT_LIVE_SETTINGS.checkIntervalMs),
  LIVE_MAX_STREAM_SECONDS: positiveInt(DEFAULT_LIVE_SETTINGS.maxStreamSeconds),
});

/** What the command line may say: `--demo` is `DEMO=1`. */
const COMMAND_LINE_FLAGS: Record<string, string> = { '--demo': 'DEMO' };

/**
 * The standalone server's default `PUBLIC_URL` is this machine: right for development, and in
 * production a link in every invitation that leads each invitee to their own computer.
 */
export const MISSING_PUBLIC_URL =
  'PUBLIC_URL is required in production: set it to the address people open (such as https://portal.example.com); ' +
  'invitation links are built from it, and without it they would lead to http://localhost';

/** The settings the user-management services need, whatever the host. */
export interface PantaSettings {
  retentionDays: number;
  inviteTtlDays: number;
  sessionTtlHours: number;
  /** Invitation links are `${publicUrl}/accept#token=…`; never built from a request's Host. */
  publicUrl: string;
  /** Caps of the bulk import; each defaults (see `DEFAULT_IMPORT_LIMITS`). */
  imports?: Partial<ImportLimits>;
  /** Calls per minute on invite, resend, import and the public token endpoints (see `DEFAULT_RATE_LIMITS`). */
  rateLimits?: Partial<RateLimits>;
  /** Caps and intervals of the live change feed (see `DEFAULT_LIVE_SETTINGS`). */
  live?: Partial<LiveSettings>;
  /** The most users one "act on all matching users" call acts on (`MATCHING_MAX_USERS`, default `DEFAULT_MATCHING_MAX_USERS`). */
  matchingMaxUsers?: number;
}

export interface ServerConfig extends PantaSettings, Timeouts {
  production: boolean;
  /**
   * The demo host (`DEMO=1` or `--demo`; `npm start` passes it): its pages, a seeded workspace, and
   * routes that hand an admin session of that workspace to whoever asks. Off unless asked for, and
   * only on a loopback `HOST` unless `DEMO_ALLOW_REMOTE=1` says so as well.
   */
  demo: boolean;
  /** `DEMO_ALLOW_REMOTE=1`: the demo may listen on an address other machines reach. */
  demoAllowRemote: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  purgeIntervalMinutes: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Where the accept page's "Continue to sign in" leads (`SIGN_IN_URL`, default `PUBLIC_URL`). */
  signInUrl: string;
  /**
   * The server secret (`PANTA_SECRET`, or the first line of the file `PANTA_SECRET_FILE` names);
   * required in production, see `UserManagementOptions.secret`.
   */
  secret: string | undefined;
  /** Secrets it replaced, still accepted for the emails made under them (`PANTA_SECRET_PREVIOUS`, comma-separated). */
  previousSecrets: string[];
  corsOrigins: string[];
  /**
   * Whom to believe about the client's address (`X-Forwarded-For`), which the per-IP rate limit
   * counts by: false (the socket's peer), true (any proxy), a number of proxy hops, or the
   * proxies' addresses or ranges (`TRUST_PROXY`: `true`, `2`, or `10.0.0.1,10.0.0.0/8`).
   */
  trustProxy: boolean | number | string[];
}

/**
 * Reads the environment and the command line's arguments (`--demo`); a bad value, an unknown
 * argument or a demo that would listen beyond this machine stops start-up with a message that
 * names it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, args: readonly string[] = []): ServerConfig {
  const unknown = args.filter((arg) => !(arg in COMMAND_LINE_FLAGS));
  if (unknown.length > 0) throw new Error(`Invalid configuration: unknown argument ${unknown.join(' ')} (known: ${Object.keys(COMMAND_LINE_FLAGS).join(', ')})`);
  const fromArgs = Object.fromEntries(args.map((arg) => [COMMAND_LINE_FLAGS[arg]!, '1']));
  const parsed = envSchema.safeParse({ ...env, ...fromArgs });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (e.DEMO && !e.DEMO_ALLOW_REMOTE && !isLoopbackHost(e.HOST)) {
    throw new Error(
      `Invalid configuration: DEMO: demo mode hands an admin session to anyone who reaches the server, and HOST ${e.HOST} is not a loopback address; ` +
        'listen on 127.0.0.1, or set DEMO_ALLOW_REMOTE=1 as well to serve the demo to a network',
    );
  }
  const secret = secretFrom(e.PANTA_SECRET, e.PANTA_SECRET_FILE);
  return {
    production: e.NODE_ENV === 'production',
    demo: e.DEMO,
    demoAllowRemote: e.DEMO_ALLOW_REMOTE,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    retentionDays: e.RETENTION_DAYS,
    inviteTtlDays: e.INVITE_TTL_DAYS,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    purgeIntervalMinutes: e.PURGE_INTERVAL_MINUTES,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    signInUrl: e.SIGN_IN_URL ?? (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    secret,
    previousSecrets: splitList(e.PANTA_SECRET_PREVIOUS),
    corsOrigins: splitList(e.CORS_ORIGINS),
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    handlerTimeoutMs: e.HANDLER_TIMEOUT_MS,
    connectionTimeoutMs: e.CONNECTION_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY === '' || e.TRUST_PROXY === 'false' ? false : e.TRUST_PROXY === 'true' ? true : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : splitList(e.TRUST_PROXY),
    rateLimits: {
      invitesPerAdmin: e.RATE_LIMIT_INVITES_PER_ADMIN,
      invitesPerWorkspace: e.RATE_LIMIT_INVITES_PER_WORKSPACE,
      importsPerAdmin: e.RATE_LIMIT_IMPORTS_PER_ADMIN,
      importsPerWorkspace: e.RATE_LIMIT_IMPORTS_PER_WORKSPACE,
      importTimeoutCost: e.RATE_LIMIT_IMPORT_TIMEOUT_COST,
      tokenFailuresPerIp: e.RATE_LIMIT_TOKEN_FAILURES_PER_IP,
    },
    matchingMaxUsers: e.MATCHING_MAX_USERS,
    imports: {
      maxBytes: e.IMPORT_MAX_BYTES,
      maxRows: e.IMPORT_MAX_ROWS,
      parseTimeoutMs: e.IMPORT_PARSE_TIMEOUT_MS,
      parseHeapMb: e.IMPORT_PARSE_HEAP_MB,
    },
    live: {
      maxStreamsPerSession: e.LIVE_MAX_STREAMS_PER_SESSION,
      maxStreamsPerServer: e.LIVE_MAX_STREAMS_PER_SERVER,
      checkIntervalMs: e.LIVE_CHECK_INTERVAL_MS,
      maxStreamSeconds: e.LIVE_MAX_STREAM_SECONDS,
    },
  };
}

/** The secret from the environment or from a file (kept out of the environment, 0600). */
function secretFrom(value: string | undefined, file: string | undefined): string | undefined {
  if (file === undefined) return value;
  if (value !== undefined) throw new Error('Invalid configuration: set PANTA_SECRET or PANTA_SECRET_FILE, not both');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Invalid configuration: PANTA_SECRET_FILE: cannot read ${file} (${(error as Error).message})`);
  }
  const secret = text.split('\n', 1)[0]!.trim();
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`Invalid configuration: PANTA_SECRET_FILE: the first line of ${file} must be ${SECRET_TOO_SHORT}`);
  return secret;
}
