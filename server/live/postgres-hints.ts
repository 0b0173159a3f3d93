import type pg from 'pg';
import type { ChangeHints } from './change-feed.ts';

/** The channel migration 0010's triggers `pg_notify` on, with the workspace id as payload. */
export const CHANGES_CHANNEL = 'panta_workspace_changes';

const RECONNECT_MS = 1000;

/**
 * One dedicated connection per server process that LISTENs for the triggers' notifications
 * (PostgreSQL delivers them on commit only) and hands each workspace id to the feed. When the
 * connection breaks it reconnects every second; meanwhile `healthy` is false, so the feed polls,
 * and once listening again the feed reads every subscribed workspace, for what it may have missed.
 */
export function postgresChangeHints(connect: () => pg.Client, onError: (error: unknown) => void): ChangeHints {
  let client: pg.Client | null = null;
  let listening = false;
  let running = false;
  let retry: NodeJS.Timeout | null = null;
  let handlers: { onChange: (workspaceId: string) => void; onGap: () => void } | null = null;

  const drop = (broken: pg.Client) => {
    if (client !== broken) return;
    client = null;
    listening = false;
    broken.removeAllListeners('notification');
    void broken.end().catch(() => {});
    if (running) retry = setTimeout(listen, RECONNECT_MS);
  };

  async function listen(): Promise<void> {
    retry = null;
    if (!running || client) return;
    const next = connect();
    client = next;
    next.on('error', (error) => {
      onError(error);
      drop(next);
    });
    next.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL && message.payload) handlers?.onChange(message.payload);
    });
    try {
      await next.connect();
      await next.query(`listen ${CHANGES_CHANNEL}`);
      if (client !== next) {
        await next.end().catch(() => {});
        return;
      }
      listening = true;
      handlers?.onGap();
    } catch (error) {
      if (client === next) {
        onError(error);
        drop(next);
      }
    }
  }

  return {
    start(onChange, onGap) {
      handlers = { onChange, onGap };
      running = true;
      void listen();
    },
    get healthy() {
      return listening;
    },
    async stop() {
      running = false;
      if (retry) clearTimeout(retry);
      retry = null;
      const current = client;
      client = null;
      listening = false;
      await current?.end().catch(() => {});
    },
  };
}
