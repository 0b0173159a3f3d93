import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * What every HTML page the server sends must carry: scripts only from our own origin (no inline
 * script, so injected markup cannot run), no plugins, no `<base>` tricks, no framing by other
 * sites (clickjacking), forms that post only to us. Styles are left alone: Lit's constructed style
 * sheets and the demo's own CSS files are not inline scripts.
 */
export const PAGE_CSP_DIRECTIVES: Record<string, string> = {
  'script-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'frame-ancestors': "'none'",
  'form-action': "'self'",
};

/** A route's own policy keeps its directives; any of ours it lacks is added. */
function withPageDirectives(policy: string | undefined): string {
  const present = new Set((policy ?? '').split(';').map((directive) => directive.trim().split(/\s+/, 1)[0]?.toLowerCase()).filter(Boolean));
  const missing = Object.entries(PAGE_CSP_DIRECTIVES)
    .filter(([name]) => !present.has(name))
    .map(([name, value]) => `${name} ${value}`);
  return [policy?.trim().replace(/;$/, ''), ...missing].filter(Boolean).join('; ');
}

/**
 * An `onSend` hook for a server that serves pages (the demo, the accept page, a host page):
 * `nosniff` on every answer; on HTML, the policy above, no Referer (an accept page's address may
 * carry a token in its fragment, and no page needs to tell other sites where it was) and no
 * framing for browsers that predate `frame-ancestors`.
 */
export async function pageSecurityHeaders(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  reply.header('x-content-type-options', 'nosniff');
  const type = String(reply.getHeader('content-type') ?? '');
  if (/^text\/html\b/i.test(type)) {
    const policy = reply.getHeader('content-security-policy');
    reply.header('content-security-policy', withPageDirectives(policy === undefined ? undefined : String(policy)));
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
  }
  return payload;
}
