/**
 * Scripts the benches put into Chromium pages (playwright's addInitScript), shared by
 * `npm run bench` (server/bench/bench.ts) and `npm run bench:render` (scripts/bench-render.ts).
 */

/**
 * Notes when each users.list request starts and answers, and the ids of the rows it answered with
 * (found wherever the answer holds `{ items, total }`), in `window.__bench.requests`.
 */
export const RECORD_REQUESTS = `
  window.__bench = { requests: [] };
  const original = window.fetch;
  window.fetch = async function (input, init) {
    const url = decodeURIComponent(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const entry = { url, start: performance.now() };
    const listed = url.includes('users.list');
    if (listed) window.__bench.requests.push(entry);
    const response = await original.call(this, input, init);
    entry.responded = performance.now();
    if (listed) {
      response.clone().json().then(function (body) {
        function items(value) {
          if (!value || typeof value !== 'object') return null;
          if (Array.isArray(value.items) && 'total' in value) return value.items;
          for (const key of Object.keys(value)) {
            const found = items(value[key]);
            if (found) return found;
          }
          return null;
        }
        entry.ids = (items(body) || []).map(function (item) { return item.id; });
      });
    }
    return response;
  };`;

/**
 * Runs `act`, then resolves once the answered rows are in the DOM (MutationObserver, as the bench
 * does), with `true` (or `null` after 10 s), leaving in `__last` the request's start and answer, that moment, and the change that showed them.
 */
export const WAIT_FOR_ROWS = `function ({ act, arg }) {
  return new Promise(function (resolve) {
    const bench = window.__bench;
    const root = document.querySelector('panta-user-management').shadowRoot;
    const before = bench.requests.length;
    const changes = [];
    function shown() {
      return Array.from(root.querySelectorAll('tr[data-user-id]'), function (row) { return row.dataset.userId; }).join();
    }
    // Each change also notes when the frame that shows it has been drawn: a task posted from that
    // frame's animation callbacks runs after its style, layout and paint.
    const observer = new MutationObserver(function () {
      const change = { at: performance.now(), shown: shown() };
      changes.push(change);
      requestAnimationFrame(function () {
        const channel = new MessageChannel();
        channel.port1.onmessage = function () { change.frame = performance.now(); };
        channel.port2.postMessage(null);
      });
    });
    observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    const timer = setInterval(function () {
      const entry = bench.requests.slice(before).find(function (request) { return request.ids !== undefined; });
      if (!entry) return;
      const expected = entry.ids.join();
      const done = changes.find(function (change) { return change.at >= entry.start && change.shown === expected; });
      if (!done) return;
      clearInterval(timer);
      observer.disconnect();
      // The frame is drawn a little later: the caller reads it after waiting for one.
      window.__last = { start: entry.start, responded: entry.responded, rows: done.at, done: done };
      resolve(true);
    }, 2);
    setTimeout(function () { clearInterval(timer); observer.disconnect(); resolve(null); }, 10000);
    if (act === 'search') {
      const input = root.querySelector('[part~="search"]');
      input.value = arg;
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    } else if (act === 'tab') {
      root.querySelectorAll('[part~="tab"]')[Number(arg)].click();
    } else {
      root.querySelector('[data-sort="' + arg + '"]').click();
    }
  });
}`;

/** The page the Chromium benches load: the element alone, showing `size` rows (25 when not a number), from `script`. */
export function elementPage(size: string | undefined, script: string): string {
  const pageSize = Number(size ?? 25) || 25;
  return (
    `<!doctype html><html lang="en"><body><panta-user-management api-url="/api/users" page-size="${pageSize}"></panta-user-management>` +
    `<script type="module" src="${script}"></script></body></html>`
  );
}
