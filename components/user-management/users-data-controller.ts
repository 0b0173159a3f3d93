import { Task, TaskStatus, initialState } from '@lit/task';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type InactiveDays, PAGE_SIZE_MAX, type RoleFilter, type SortDirection, type SortField, type Tab } from '../../shared/constants.ts';
import type { MatchingFilter, Me, Summary, UserList } from '../../shared/schemas.ts';
import { type ApiClient, createApiClient, errorDataOf, isAbort } from '../api/client.ts';

/** Which page of which list is shown. */
export interface ListQuery {
  tab: Tab;
  search: string;
  role: RoleFilter;
  /** The Active tab's "not signed in for N days"; not sent for the other tabs. */
  inactiveDays?: InactiveDays | undefined;
  /** The Pending tab's "Expired invitations"; not sent for the other tabs. */
  expired?: boolean;
  sort: { by: SortField; direction: SortDirection };
  offset: number;
  /** From Next or Previous: the page after (or before) the row the server named (keyset paging). */
  cursor?: string;
}

/** The sign-in filter as it applies: only the Active tab has one (a choice made there stays for when it returns). */
export const inactiveDaysOf = (query: ListQuery): InactiveDays | undefined => (query.tab === 'active' ? query.inactiveDays : undefined);

/**
 * The list's filter as it applies, before sorting and paging: each tab's own filter only on its tab.
 * What the list, the export and "all matching" send, so that they select the same users.
 */
export const filterOf = (query: ListQuery): MatchingFilter => ({
  tab: query.tab,
  search: query.search,
  role: query.role,
  inactiveDays: inactiveDaysOf(query),
  expired: query.tab === 'pending' && query.expired ? true : undefined,
});

/** Some rows are left out by a search or filter (the table's empty message and the results announcement say so). */
export const isFiltered = (query: ListQuery): boolean => {
  const { search, role, inactiveDays, expired } = filterOf(query);
  return Boolean(search || role !== 'all' || inactiveDays || expired);
};

/** What a write answers with when asked for the view it leaves (`view`): see server/routers/view.ts. */
export interface View {
  summary: Summary;
  list: UserList;
}

/** A page of a tab, with the tab and query it is a page of: its rows are drawn for that tab until the next page arrives. */
export type TabPage = UserList & { tab: Tab; query: ListQuery };

/** What the controller reads from its element. */
export interface UsersDataHost extends ReactiveControllerHost {
  readonly apiUrl: string;
  /** Read on every request: a token the host replaces is heard at once. */
  readonly token: string | undefined;
  readonly pageSize: number;
  /** The element's own `lang` (HTMLElement's), sent with each call: invitations keep it. */
  readonly lang: string;
}

/** What the controller tells its element. */
export interface UsersDataListener {
  /** A call failed, for another reason than a newer one taking its place. */
  failed(operation: string, error: unknown): void;
  /** The session answered that nobody is signed in. */
  signedOut(): void;
  /** A page arrived for this query. */
  listed(list: UserList, query: ListQuery): void;
}

/**
 * Loads what the element shows: who is signed in, the summary (KPIs, tab counts) and the visible
 * page of the list, each through a `Task` whose signal aborts a superseded request. Freshness is
 * here too: `refresh()` after a change loads both again, `reloadPage()` only the page
 * (`reloadQuietly()` for a change made elsewhere), and `applySummary()` and `applyFigures()` take
 * figures that arrived another way (the live feed).
 */
export class UsersDataController implements ReactiveController {
  /** Made from the host's `apiUrl` before each update. */
  client: ApiClient | undefined;
  #apiUrl: string | undefined;
  /** The token `meTask.value` belongs to: while a new token is checked, the old answer does not count. */
  #meToken: string | undefined;
  #summary: Summary | undefined;
  /** How far the server's clock is ahead of the browser's. */
  #clockSkewMs = 0;
  /** Bumped after every change, so that the summary and the list load again. */
  #revision = 0;
  /** A page a write answered with, for the query it was asked for: the list task shows it instead of loading. */
  #answered: { list: UserList; query: ListQuery } | undefined;
  /** The query the last `view()` was made for. */
  #viewFor: ListQuery | undefined;
  /** A quiet reload failed: the rows shown may be out of date (until a page loads). */
  outdated = false;
  /** What the list shows; changed through `setQuery()`. */
  query: ListQuery = { tab: 'active', search: '', role: 'all', sort: { by: 'name', direction: 'asc' }, offset: 0 };

  readonly meTask: Task<readonly [ApiClient | undefined, string | undefined], Me>;
  readonly listTask: Task<readonly unknown[], TabPage>;
  readonly #summaryTask: Task<readonly unknown[], Summary>;

  constructor(
    private readonly host: UsersDataHost,
    private readonly listener: UsersDataListener,
  ) {
    // Before the tasks: hostUpdate() has the client ready when they read their arguments.
    host.addController(this);
    this.meTask = new Task(host, {
      args: () => [this.client, this.host.token] as const,
      task: async ([client, token], { signal }): Promise<Me> => {
        if (!client) {
          this.#meToken = token;
          return null;
        }
        try {
          const me = await client.session.me.query(undefined, { signal });
          this.#meToken = token;
          if (!me) this.listener.signedOut();
          return me;
        } catch (error) {
          this.#failed('session.me', error);
          throw error;
        }
      },
    });

    this.#summaryTask = new Task(host, {
      args: () => [this.client, this.host.token, this.#mayBeAdmin, this.#revision] as const,
      task: async ([client, token, mayBeAdmin], { signal }): Promise<Summary | typeof initialState> => {
        if (!client || !mayBeAdmin) return initialState;
        const speculative = this.#meToken !== token;
        try {
          return await client.users.summary.query(undefined, { signal });
        } catch (error) {
          this.#failed('users.summary', error, speculative);
          throw error;
        }
      },
      // Only the latest run reports here, so an older answer never replaces a newer one.
      onComplete: (summary) => this.applySummary(summary),
      onError: () => (this.#summary = undefined),
    });

    this.listTask = new Task(host, {
      args: () => {
        const { tab, search, role, sort, offset, cursor } = this.query;
        const { inactiveDays, expired } = filterOf(this.query);
        return [this.client, this.host.token, this.#mayBeAdmin, tab, search, role, sort, offset, cursor, this.host.pageSize, inactiveDays, expired, this.#revision] as const;
      },
      task: async ([client, token, mayBeAdmin, tab, , , , offset], { signal }): Promise<TabPage | typeof initialState> => {
        if (!client || !mayBeAdmin) return initialState;
        const speculative = this.#meToken !== token;
        const query = this.query;
        const answered = this.#answered?.query === query ? this.#answered.list : undefined;
        this.#answered = undefined;
        try {
          const input = this.#listInput(query);
          const list = answered ?? (await client.users.list.query(input, { signal }));
          // A page emptied by an action: step back to the last page that has rows.
          if (list.items.length === 0 && list.total > 0 && offset > 0) {
            this.query = { ...this.query, offset: Math.max(0, Math.floor((list.total - 1) / input.limit) * input.limit), cursor: undefined };
          }
          this.outdated = false;
          this.listener.listed(list, query);
          return { ...list, tab, query };
        } catch (error) {
          this.#failed('users.list', error, speculative);
          throw error;
        }
      },
    });
  }

  get me(): Me {
    return this.meTask.value ?? null;
  }

  get isAdmin(): boolean {
    return this.#meToken === this.host.token && this.me?.isAdmin === true;
  }

  /**
   * Until `session.me` has answered for this token, the summary and the first page are asked for
   * with it, in the same tick, so that the three go out in one batched request: an admin's first
   * view costs one round trip. A standard user's calls are refused (FORBIDDEN), which costs nothing
   * more and is not reported: `session.me`'s answer decides what shows.
   */
  get #mayBeAdmin(): boolean {
    return this.#meToken !== this.host.token || this.isAdmin;
  }

  get summary(): Summary | undefined {
    return this.#summary;
  }

  /** The page shown: while the next one loads, the previous one. */
  get page(): TabPage | undefined {
    return this.listTask.value;
  }

  /**
   * The page shown is of another tab, search, filter, sort or page than the one loading: its rows
   * stay in place (the table keeps its size) but are not to be acted on. A reload of the same
   * query after a change is not stale: its rows are what the admin is working on.
   */
  get pageIsStale(): boolean {
    return this.listTask.status === TaskStatus.PENDING && this.page !== undefined && this.page.query !== this.query;
  }

  /** The client for a call the admin makes: without an `api-url` there is none. */
  requireClient(): ApiClient {
    const { client } = this;
    if (!client) throw new Error('panta-user-management: set api-url first');
    return client;
  }

  /**
   * Shows another page, tab, search, filter or sort, from its first row unless a page is given; the
   * list loads for it. A cursor only counts for the change that gives it.
   */
  setQuery(change: Partial<ListQuery>): void {
    this.query = { ...this.query, cursor: undefined, offset: 0, ...change };
    this.host.requestUpdate();
  }

  /** `users.list`'s input for a query. */
  #listInput(query: ListQuery) {
    const { sort, offset, cursor } = query;
    const limit = Math.min(Math.max(1, this.host.pageSize), PAGE_SIZE_MAX);
    return { ...filterOf(query), sort, offset, limit, cursor };
  }

  /** The page shown, as a write's `view`: the write answers with it and the summary (`applyView()`). */
  view() {
    this.#viewFor = this.query;
    return this.#listInput(this.query);
  }

  /**
   * After a write: the view it answered with is shown as if loaded (no request), its page only if
   * the admin is still on that page; without one, the summary and the page load again.
   */
  applyView(view: View | undefined): void {
    if (!view) return this.refresh();
    this.applySummary(view.summary);
    this.#answered = { list: view.list, query: this.#viewFor! };
    void this.listTask.run();
  }

  hostUpdate(): void {
    const { apiUrl } = this.host;
    if (apiUrl !== this.#apiUrl) {
      this.#apiUrl = apiUrl;
      this.client = apiUrl ? createApiClient(apiUrl, () => this.host.token, () => this.host.lang || document.documentElement.lang || 'en') : undefined;
    }
  }

  /** After a change: the summary and the visible page load again. */
  refresh(): void {
    this.#revision += 1;
    this.host.requestUpdate();
  }

  /** The summary could not be loaded: the KPIs and tab counts say so. */
  get summaryFailed(): boolean {
    return this.#summaryTask.status === TaskStatus.ERROR;
  }

  /** The summary again, after it failed to load. */
  reloadSummary(): void {
    void this.#summaryTask.run();
  }

  /** The visible page again, as it is now; the summary stays. Resolves once it has loaded (or failed). */
  reloadPage(): Promise<void> {
    return this.listTask.run();
  }

  /**
   * The visible page again for a change the admin did not ask for (made elsewhere): loaded beside
   * the list task, so that a failure (the network gone) keeps the rows shown instead of the error
   * state, marked `outdated` until a page loads. What arrives is shown as a write's answer is.
   */
  async reloadQuietly(): Promise<void> {
    const { query } = this;
    try {
      const list = await this.requireClient().users.list.query(this.#listInput(query));
      // Another tab or search meanwhile: its own load shows it.
      if (query === this.query) {
        this.#answered = { list, query };
        await this.listTask.run();
      }
    } catch (error) {
      this.outdated = true;
      this.#failed('users.list', error);
    }
  }

  /** Asks again who is signed in (after a refusal that may mean a demotion or a lost session). */
  recheckSession(): void {
    void this.meTask.run();
  }

  /** A summary from elsewhere than `users.summary`, e.g. pushed by the server: shown as if loaded. */
  applySummary(summary: Summary): void {
    this.#summary = summary;
    this.#clockSkewMs = Date.parse(summary.serverTime) - Date.now();
    this.host.requestUpdate();
  }

  /** The figures of a live event: shown at once, the rest of the summary (dates, settings) kept. */
  applyFigures({ kpis, counts, activeAdmins }: Pick<Summary, 'kpis' | 'counts' | 'activeAdmins'>): void {
    if (!this.#summary) return;
    this.#summary = { ...this.#summary, kpis, counts, activeAdmins };
    this.host.requestUpdate();
  }

  /** Now, by the server's clock. */
  serverNow(): number {
    return Date.now() + this.#clockSkewMs;
  }

  /** `speculative`: made before `session.me` answered; its refusal (not an admin, no session) is `session.me`'s to tell. */
  #failed(operation: string, error: unknown, speculative = false) {
    const code = errorDataOf(error)?.code;
    if (isAbort(error) || (speculative && (code === 'FORBIDDEN' || code === 'UNAUTHORIZED'))) return;
    this.listener.failed(operation, error);
  }
}
