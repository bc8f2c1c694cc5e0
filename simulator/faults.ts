// Injected faults: the queued ones (failNext) and the random ones (options.faults), and the
// answers of the gateway-style server errors.
import { json, type Answer } from './answers';
import { Rng } from './rng';
import type { Route } from './endpoints';
import { FAULT_KINDS, type FaultKind, type SimulatorOptions } from './types';

interface PendingFault {
  kind: FaultKind;
  remaining: number;
  pathIncludes?: string;
}

export class FaultInjector {
  private pending: PendingFault[] = [];
  private faultRng: Rng;

  constructor(private readonly opts: SimulatorOptions) {
    this.faultRng = new Rng(opts.faults?.seed ?? (opts.seed ?? 1) + 1);
  }

  failNext(kind: FaultKind, o: { count?: number; pathIncludes?: string } = {}): void {
    if (!FAULT_KINDS.includes(kind)) throw new Error(`unknown fault kind ${kind}`);
    this.pending.push({ kind, remaining: o.count ?? 1, pathIncludes: o.pathIncludes });
  }

  /** The fault this request gets, if any (a queued one first, then a random one). */
  pick(route: Route, path: string): FaultKind | undefined {
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i];
      if (p.pathIncludes !== undefined ? !path.includes(p.pathIncludes) : route.endpoint.kind === 'token') continue;
      if (p.kind === 'spurious400' && !route.endpoint.analytics) continue;
      p.remaining--;
      if (p.remaining <= 0) this.pending.splice(i, 1);
      return p.kind;
    }
    const f = this.opts.faults;
    if (!f || !(f.rate > 0) || !f.kinds?.length) return undefined;
    if (route.endpoint.kind === 'token' && !f.includeToken) return undefined;
    if (this.faultRng.next() >= f.rate) return undefined;
    const kinds = f.kinds.filter((k) => k !== 'spurious400' || route.endpoint.analytics);
    if (!kinds.length) return undefined;
    return kinds[Math.floor(this.faultRng.next() * kinds.length)];
  }
}

/** The answers a gateway or a failing backend gives: JSON 500, HTML 502, plain-text 503. */
export function serverErrorAnswer(kind: 'http500' | 'http502' | 'http503'): Answer {
  if (kind === 'http500') return json(500, { code: 0, message: 'Something went wrong. Please try again later.' });
  if (kind === 'http502')
    return {
      status: 502,
      contentType: 'text/html; charset=utf-8',
      body: Buffer.from(
        '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
      ),
    };
  return {
    status: 503,
    contentType: 'text/plain; charset=utf-8',
    body: Buffer.from('upstream connect error or disconnect/reset before headers. reset reason: overflow'),
    headers: {},
  };
}
