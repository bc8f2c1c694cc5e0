/**
 * The loopback server that waits for Pinterest's redirect (`/?code=…&state=…` or `/?error=…`). It hands the
 * first such request to the command, which answers the browser once it knows the outcome; any other request
 * (a favicon, a person opening the bare URL) gets a short page and the wait goes on.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { configError } from '../errors';

export interface RedirectRequest {
  params: URLSearchParams;
  /** Answers the browser with a page and closes the connection. */
  respond(status: number, html: string): Promise<void>;
}

/** How long a request may take to arrive whole, and the browser to take the answer page: a slow or stuck client is dropped. */
const LISTENER_REQUEST_TIMEOUT_MS = 10_000;
const PAGE_ANSWER_TIMEOUT_MS = 5_000;

/** The Host values a browser sends for the redirect URI (http://localhost:PORT/) or a loopback address of it. */
function loopbackHosts(port: number): string[] {
  return [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`];
}

export class RedirectListener {
  private servers: http.Server[] = [];
  private waiting?: (request: RedirectRequest) => void;
  private arrived?: RedirectRequest;
  port = 0;

  static async start(port: number, hosts: string[]): Promise<RedirectListener> {
    const listener = new RedirectListener();
    try {
      for (const [i, host] of hosts.entries()) {
        // The first host decides the port (port 0: any free one); the others share it.
        await listener.listen(i === 0 ? port : listener.port, host, i === 0);
      }
    } catch (err) {
      await listener.close();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw configError(
          `Port ${port} is already in use by another program. Stop it, or pass --port with a free port (and register http://localhost:<port>/ as a redirect URI of your Pinterest app).`,
        );
      }
      if (code === 'EACCES')
        throw configError(`Not allowed to listen on port ${port}: pass --port with a port above 1023.`);
      throw configError(`Cannot listen on port ${port} (${code ?? String(err)}).`);
    }
    return listener;
  }

  private listen(port: number, host: string, required: boolean): Promise<void> {
    const server = http.createServer(
      {
        requestTimeout: LISTENER_REQUEST_TIMEOUT_MS,
        headersTimeout: LISTENER_REQUEST_TIMEOUT_MS,
        keepAliveTimeout: 1000,
      },
      (req, res) => this.handle(req, res),
    );
    // One request per connection: a client that pipelines more cannot queue work behind the redirect.
    server.maxRequestsPerSocket = 1;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        // A second loopback address may not exist (no IPv6): only a taken port matters there.
        if (required || err.code === 'EADDRINUSE') reject(err);
        else resolve();
      });
      server.listen({ port, host, exclusive: true }, () => {
        this.servers.push(server);
        if (required) this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    // A page on another site can make the browser send requests here, or (DNS rebinding) send them under its
    // own host name: only the loopback names of this port are this command's.
    if (!loopbackHosts(this.port).includes((req.headers.host ?? '').toLowerCase())) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('This server answers only http://localhost:' + this.port + '/\n');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      res.writeHead(400, { connection: 'close' });
      res.end();
      return;
    }
    const params = url.searchParams;
    const isRedirect = req.method === 'GET' && url.pathname === '/' && (params.has('code') || params.has('error'));
    if (!isRedirect || this.arrived) {
      const status = url.pathname === '/' ? 400 : 404;
      const text = this.arrived
        ? 'This sign-in was already handled: look at the terminal.'
        : 'This address waits for Pinterest to send you back after you sign in: open the link printed in the terminal.';
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
      res.end(htmlPage('source-pinterest', text));
      return;
    }
    const request: RedirectRequest = {
      params,
      respond: (status, html) =>
        new Promise((resolve) => {
          // A browser that went away, or a client that never reads its answer, must not keep the command
          // waiting: 'close' settles it, and so does a timer that drops the connection.
          const timer = setTimeout(() => {
            res.destroy();
            resolve();
          }, PAGE_ANSWER_TIMEOUT_MS);
          timer.unref();
          const done = () => {
            clearTimeout(timer);
            resolve();
          };
          res.once('close', done);
          res.writeHead(status, {
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-store',
            connection: 'close',
          });
          res.end(html, done);
        }),
    };
    this.arrived = request;
    this.waiting?.(request);
  }

  /** The first redirect, or a timeout error after `timeoutMs`. */
  next(timeoutMs: number): Promise<RedirectRequest> {
    if (this.arrived) return Promise.resolve(this.arrived);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(
          configError(
            `No sign-in arrived within ${formatSeconds(timeoutMs)}: nothing was written. Run authorize again (and finish the sign-in in the browser), or give more time with --timeout SECONDS.`,
          ),
        );
      }, timeoutMs);
      this.waiting = (request) => {
        clearTimeout(timer);
        resolve(request);
      };
    });
  }

  close(): Promise<void> {
    return Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    ).then(() => undefined);
  }
}

const formatSeconds = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} minute(s)` : `${ms / 1000} s`);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain page for the browser: a title and a few sentences, nothing else. */
export function htmlPage(title: string, ...paragraphs: string[]): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>${escapeHtml(title)}</h1>` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    '</body></html>'
  );
}
