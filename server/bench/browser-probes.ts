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
