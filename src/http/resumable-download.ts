/**
 * One array answer downloaded as it arrives, and resumed when a download breaks: the elements (as JSON
 * texts) go to `emit` in batches; a retried download must start with the very same elements, which are
 * skipped (compared by a cheap hash), so nothing is given twice and nothing is skipped. One instance spans
 * every attempt of one request.
 */
import { ConnectorError } from '../errors';
import type { Attempt } from './decision';
import { networkProblem, snippet } from './decision';
import { ResponseTooLargeError } from './errors';
import { ArrayElementSplitter, MalformedJsonError } from './json-stream';
import { ChannelClosedError } from '../util/async';
import { contentLength, isEncoded, type Watchdog } from './bounded-fetch';

/** The bounds of one streamed answer (the requester's retry policy carries them). */
interface StreamedAnswerLimits {
  /** One element (row) held across chunks. */
  maxElementBytes: number;
  /** Decoded bytes of the whole answer. */
  maxResponseBytes: number;
}

export class ResumableArrayDownload {
  /** Elements given so far, over all attempts. */
  private readonly prefix = new GivenPrefix();

  constructor(
    private readonly key: string | undefined,
    private readonly limits: StreamedAnswerLimits,
    private readonly emit: (elements: string[]) => Promise<void>,
  ) {}

  /** Reads one attempt's answer (a 2xx); its outcome tells the requester to accept, retry or fail. */
  async consume(response: Response, what: string, watchdog: Watchdog): Promise<Attempt> {
    const splitter = new ArrayElementSplitter(this.key, this.limits.maxElementBytes);
    const length = contentLength(response.headers);
    const encoded = isEncoded(response.headers);
    this.prefix.restart();
    let received = 0;
    let first = true;
    let leadType = 'empty';
    // A reader, not for-await: leaving early must not wait for the stream's cancellation.
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const abandon = () => {
      void reader.cancel().catch(() => undefined);
    };
    try {
      for (;;) {
        watchdog.resume();
        const { done, value: raw } = await reader.read();
        watchdog.pause();
        if (done) break;
        const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
        received += chunk.length;
        if (received > this.limits.maxResponseBytes) {
          abandon();
          if (this.prefix.count > 0)
            return {
              kind: 'fail',
              error: new ConnectorError(
                `The response to ${what} grew past the limit of ${this.limits.maxResponseBytes} bytes after ${this.prefix.count} rows were emitted; this window is read again in the next sync.`,
                'transient_error',
              ),
            };
          return { kind: 'fail', error: new ResponseTooLargeError(what, received, this.limits.maxResponseBytes) };
        }
        if (first && chunk.length > 0) {
          first = false;
          const lead = chunk.toString('latin1', 0, 64).trimStart()[0];
          leadType = lead === '{' ? 'object' : 'list';
          if (lead !== '{' && lead !== '[') {
            abandon();
            return {
              kind: 'retry',
              problem: `HTTP ${response.status} with a body that is not JSON (${snippet(chunk.toString('utf8', 0, 200))})`,
            };
          }
        }
        const elements = splitter.push(chunk);
        if (elements.length === 0) continue;
        const skip = this.prefix.take(elements);
        if (skip === 'differs') {
          abandon();
          return {
            kind: 'fail',
            error: new ConnectorError(
              `Pinterest answered the retried ${what} differently from the interrupted one; this window is read again in the next sync.`,
              'transient_error',
            ),
          };
        }
        if (skip < elements.length) await this.emit(skip === 0 ? elements : elements.slice(skip));
      }
      splitter.end();
    } catch (err) {
      abandon();
      if (err instanceof ChannelClosedError) throw err;
      if (err instanceof MalformedJsonError && !err.truncated) {
        const taken =
          this.prefix.count > 0
            ? `${this.prefix.count} rows of it were emitted before the problem; this window is read again in the next sync`
            : 'no records were taken from it';
        return {
          kind: 'fail',
          error: new ConnectorError(
            `Pinterest answered ${what} with an unexpected shape (${leadType}) — ${err.message}; ${taken}.`,
            'transient_error',
          ),
        };
      }
      return {
        kind: 'retry',
        problem: err instanceof MalformedJsonError ? `truncated body (${err.message})` : networkProblem(err),
      };
    }
    if (Number.isFinite(length) && !encoded && received !== length)
      return { kind: 'retry', problem: `truncated body (${received} of ${length} bytes)` };
    if (this.prefix.short) {
      return {
        kind: 'fail',
        error: new ConnectorError(
          `Pinterest answered the retried ${what} with fewer rows than the interrupted one; this window is read again in the next sync.`,
          'transient_error',
        ),
      };
    }
    return { kind: 'ok', body: undefined };
  }
}

/**
 * The items one download has given, across its attempts, and the check that a retried attempt starts with
 * exactly them (by a running hash), so that a resumed download gives nothing twice and skips nothing.
 */
export class GivenPrefix {
  private given = 0;
  private givenHash = FNV_OFFSET;
  private seen = 0;
  private seenHash = FNV_OFFSET;

  /** Items given so far, over every attempt. */
  get count(): number {
    return this.given;
  }

  /** An attempt ended before it came back to everything given before. */
  get short(): boolean {
    return this.seen < this.given;
  }

  /** A new attempt begins. */
  restart(): void {
    this.seen = 0;
    this.seenHash = FNV_OFFSET;
  }

  /**
   * The next items of this attempt: how many of them lead (were given by an earlier attempt, to be skipped),
   * or 'differs' when the repeated items are not the ones given. The rest count as given from now on.
   */
  take(items: readonly string[]): number | 'differs' {
    let skip = 0;
    if (this.seen < this.given) {
      skip = Math.min(this.given - this.seen, items.length);
      for (let k = 0; k < skip; k++) this.seenHash = fnv1a(this.seenHash, items[k]);
      this.seen += skip;
      if (this.seen === this.given && this.seenHash !== this.givenHash) return 'differs';
    }
    if (skip < items.length) {
      // New items only follow once every given one came back: from here this attempt is the given prefix.
      for (let k = skip; k < items.length; k++) this.givenHash = fnv1a(this.givenHash, items[k]);
      this.given += items.length - skip;
      this.seen = this.given;
      this.seenHash = this.givenHash;
    }
    return skip;
  }
}

const FNV_OFFSET = 0x811c9dc5;
/**
 * FNV-1a over an element's length, its first 64 and last 16 characters: a cheap identity of the elements
 * already given (ids and dates lead each row), computed for every row so it must cost next to nothing.
 */
function fnv1a(hash: number, text: string): number {
  let h = Math.imul(hash ^ text.length, 0x01000193);
  const head = Math.min(text.length, 64);
  for (let i = 0; i < head; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  for (let i = Math.max(head, text.length - 16); i < text.length; i++)
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
