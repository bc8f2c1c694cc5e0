/**
 * The composition root of the commands: builds what a command needs to talk to Pinterest — rate limiter,
 * requester (with its own HTTP connection pool), token source, config write-back — from the validated
 * config and the environment. Nothing here is a singleton: every runtime, and every test, builds its own.
 */
import type { ConnectorConfig } from '../config/schema';
import { tokenSourceFor } from '../http/auth';
import { budgetsFromEnv, RateLimiter, type Budgets } from '../http/rate-limiter';
import { Requester, type RetryPolicy, type TokenSource } from '../http/requester';
import { controlConfig } from '../protocol/messages';
import type { MessageWriter } from '../protocol/output';
import { today as todayFromEnv } from '../util/dates';
import { DayClock } from '../engine/clock';
import { writeConfigAtomically } from '../config/write-back';

export interface RuntimeOptions {
  config: ConnectorConfig;
  rawConfig: Record<string, unknown>;
  writer: MessageWriter;
  env?: NodeJS.ProcessEnv;
  /** Write a rotated refresh token back into this config file (opt-in, for `docker run` users). */
  configPathToUpdate?: string;
  retry?: Partial<RetryPolicy>;
  budgets?: Budgets;
}

interface Runtime {
  requester: Requester;
  tokens: TokenSource;
  limiter: RateLimiter;
  today: string;
  /** Today as of now: follows UTC midnight during a long read. */
  clock: DayClock;
  close(): Promise<void>;
}

export const DEFAULT_API_URL = 'https://api.pinterest.com/v5';

export function createRuntime(opts: RuntimeOptions): Runtime {
  const env = opts.env ?? process.env;
  const { config, writer } = opts;
  const creds = config.credentials;
  if (creds.auth_method === 'oauth2.0') {
    writer.addSecret(creds.client_secret);
    writer.addSecret(creds.refresh_token);
  } else {
    writer.addSecret(creds.access_token);
  }
  const clock = new DayClock(todayFromEnv(env), !!env.PINTEREST_TODAY);
  const limiter = new RateLimiter(opts.budgets ?? budgetsFromEnv(env.PINTEREST_RATE_LIMITS), config.concurrency);
  const requester = new Requester({
    baseUrl: env.PINTEREST_API_URL || DEFAULT_API_URL,
    limiter,
    retry: {
      timeoutMs: config.request_timeout_seconds * 1000,
      maxRateLimitWaitMs: config.max_rate_limit_wait_seconds * 1000,
      ...retryFromEnv(env),
      ...opts.retry,
    },
    log: (level, message) => writer.log(level, message),
    onServerDate: (date) => clock.observeDateHeader(date),
  });
  let raw = opts.rawConfig;
  const tokens = tokenSourceFor(
    creds,
    requester,
    async (refreshToken) => {
      writer.addSecret(refreshToken);
      raw = { ...raw, credentials: { ...(raw.credentials as object), refresh_token: refreshToken } };
      await writer.write(controlConfig(raw));
      let written = false;
      if (opts.configPathToUpdate) {
        // The CONTROL message already carries the token: a read-only mount must not fail the sync.
        try {
          await writeConfigAtomically(opts.configPathToUpdate, raw);
          written = true;
        } catch (err) {
          writer.log(
            'WARN',
            `Could not write the rotated refresh token into ${opts.configPathToUpdate} (${(err as NodeJS.ErrnoException).code ?? String(err)}); take it from the CONTROL message, or make the file's folder writable by the container's user.`,
          );
        }
      }
      writer.log(written ? 'INFO' : 'WARN', rotatedTokenMessage(opts.configPathToUpdate, written));
    },
    {
      addSecret: (secret) => writer.addSecret(secret),
      log: (level, message) => {
        void writer.log(level, message);
      },
    },
  );
  requester.setTokenSource(tokens);
  return {
    requester,
    limiter,
    tokens,
    today: todayFromEnv(env),
    clock,
    close: async () => {
      await limiter.stop();
      await requester.close();
    },
  };
}

/**
 * Airbyte keeps the new token from the CONTROL message; a person at a terminal has only the file, which now
 * holds a dead token unless it was rewritten: say what to do in their words.
 */
function rotatedTokenMessage(configPath: string | undefined, written: boolean): string {
  if (written)
    return `Pinterest rotated the refresh token; the new one was written to ${configPath} (and sent in a CONTROL message).`;
  const how = configPath
    ? "fix the file's permissions"
    : 'rerun with --write-config to have the connector write it there';
  return `Pinterest rotated the refresh token: the old one in your config file no longer works. Under Airbyte nothing is lost (the new config went out in a CONTROL message); by hand, ${how}, or copy control.connectorConfig.config from the CONTROL message on stdout into the config file now.`;
}

/** PINTEREST_RETRY_BASE_MS, _REQUEST_TIMEOUT_MS and _REQUEST_DEADLINE_MS shorten waits for tests and benchmarks; production keeps the defaults. */
function retryFromEnv(env: NodeJS.ProcessEnv): Partial<RetryPolicy> {
  const out: Partial<RetryPolicy> = {};
  if (env.PINTEREST_RETRY_BASE_MS) {
    const base = Number(env.PINTEREST_RETRY_BASE_MS);
    if (Number.isFinite(base) && base >= 0)
      Object.assign(out, { baseDelayMs: base, maxDelayMs: Math.max(base * 16, 1), spurious400DelayMs: base });
  }
  if (env.PINTEREST_REQUEST_TIMEOUT_MS) {
    const t = Number(env.PINTEREST_REQUEST_TIMEOUT_MS);
    if (Number.isFinite(t) && t > 0) out.timeoutMs = t;
  }
  if (env.PINTEREST_REQUEST_DEADLINE_MS) {
    const t = Number(env.PINTEREST_REQUEST_DEADLINE_MS);
    if (Number.isFinite(t) && t > 0) out.deadlineMs = t;
  }
  return out;
}
