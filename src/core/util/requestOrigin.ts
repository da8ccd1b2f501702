import type * as http from 'node:http';
import { isIP } from 'node:net';

// Who may talk to our local servers. A web page the user opens can reach a loopback port in two
// ways: through its own name rebound to 127.0.0.1 (DNS rebinding: the browser then sends
// `Host: attacker.example:PORT`), and with "simple" cross-origin requests (a form POST with
// `Content-Type: text/plain` runs before any CORS check). So, as local dev servers that fixed this
// class of bug do (Vite, webpack-dev-server): the `Host` must name the loopback address, `localhost`
// or the address serve was told to bind; and the API refuses any browser request across origins
// (`Origin`, `Sec-Fetch-Site: cross-site / same-site`) — the AWS SDK and CLI send neither. The
// HTTP front ends (function URLs, APIs) keep CORS, so they check only the `Host`.

export interface Refusal {
  status: 403;
  type: 'AccessDeniedException';
  message: string;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
const WILDCARD = new Set(['0.0.0.0', '::']);

/** The host name of a `Host` header, without port or IPv6 brackets, lower case; undefined when malformed. */
export function hostName(host: string): string | undefined {
  const value = host.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return bracketed[1];
  const plain = /^([a-z0-9.\-_]+)(?::\d{1,5})?$/.exec(value);
  return plain ? plain[1].replace(/\.$/, '') : undefined;
}

/**
 * Whether a `Host` header may reach a server bound to `boundHost`: `localhost` (and its
 * subdomains, which resolve to loopback), 127.0.0.0/8 and ::1 always; the bound address itself;
 * and, when bound to every interface (0.0.0.0 / ::, with --allow-remote), any IP literal — an
 * address cannot be rebound, only a name can. The port is not compared: a forwarded port (SSH,
 * a container, VS Code's port forwarding) reaches us under another one, and a rebinding page
 * sends our own port anyway. A request without `Host` (HTTP/1.0) comes from no browser.
 */
export function checkHost(host: string | undefined, boundHost = '127.0.0.1'): Refusal | undefined {
  if (host === undefined) return undefined;
  const name = hostName(host);
  const bound = boundHost.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name !== undefined) {
    if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return undefined;
    if (isIP(name) === 4 && name.startsWith('127.')) return undefined;
    if (name === bound) return undefined;
    if (WILDCARD.has(bound) && isIP(name) !== 0) return undefined;
  }
  const allowed = [
    'localhost',
    '127.0.0.1',
    '[::1]',
    ...(LOOPBACK_NAMES.has(bound) || WILDCARD.has(bound) ? [] : [bound.includes(':') ? `[${bound}]` : bound]),
  ];
  return {
    status: 403,
    type: 'AccessDeniedException',
    message: `Refused Host "${host.slice(0, 200)}": this local server answers only requests addressed to ${allowed.join(', ')}${WILDCARD.has(bound) ? ' or an IP address' : ''} (protection against DNS rebinding)`,
  };
}

/** A browser request from another origin (a web page): refused on the API and `/_workbench/` routes. */
export function checkNotCrossSite(headers: http.IncomingHttpHeaders): Refusal | undefined {
  const origin = headers.origin;
  if (origin !== undefined) {
    return {
      status: 403,
      type: 'AccessDeniedException',
      message: `Refused a browser request from origin "${String(origin).slice(0, 200)}": the local Lambda API does not answer web pages (cross-site request protection)`,
    };
  }
  const site = String(headers['sec-fetch-site'] ?? '').toLowerCase();
  if (site === 'cross-site' || site === 'same-site') {
    return {
      status: 403,
      type: 'AccessDeniedException',
      message: `Refused a ${site} browser request (Sec-Fetch-Site): the local Lambda API does not answer web pages (cross-site request protection)`,
    };
  }
  return undefined;
}

/** Writes a refusal as AWS does: status, `x-amzn-ErrorType`, a JSON body; the connection closes (its body is not read). */
export function sendRefusal(res: http.ServerResponse, refusal: Refusal, requestId: string): void {
  const body = Buffer.from(JSON.stringify({ Type: 'User', message: refusal.message, Message: refusal.message }));
  res.writeHead(refusal.status, {
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': refusal.type,
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    Connection: 'close',
  });
  res.end(body);
}
