/**
 * spec / check / discover / read, as functions of (arguments, writer, environment) returning an exit code.
 * main.ts wires them to yargs and the process; tests call them directly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type ConfigDates } from './config/load';
import type { ConnectorConfig } from './config/schema';
import { ConnectorError, failureTypeOf, messageOf } from './errors';
import { discoverCatalog, selectStreams } from './engine/catalog';
import type { ReadContext } from './engine/context';
import { AccountLookups } from './engine/accounts';
import { MetricsReadiness } from './engine/metrics-ready';
import { runRead } from './engine/read';
import { createRuntime, type RuntimeOptions } from './runtime';
import { SharedLists } from './engine/shared-lists';
import { parseInputState, stateWarnings } from './engine/state';
import { readCatalogFile, readStateFile } from './engine/input-files';
import { OAuthTokens } from './http/auth';
import { ApiError } from './http/errors';
import { ScopeRefusedError } from './http/pinterest-errors';
import * as msg from './protocol/messages';
import type { MessageWriter } from './protocol/output';
import { probeAnalyticsSettings, probeBuiltInReports, scopeFindings, type ScopeFindings } from './check-probes';
import { REQUIRED_SCOPES } from './config/spec';
import { REPORT_LIMITS } from './pinterest/limits';
import { checkCustomReports } from './reports/custom-check';
import { streamRegistry, type StreamRegistry } from './streams/registry';
import { Semaphore } from './util/async';
import { addDays, today as todayFromEnv } from './util/dates';

export interface CommandIO {
  writer: MessageWriter;
  env?: NodeJS.ProcessEnv;
  /** A line for the person at the terminal (stderr); commands for people (authorize) talk through it. */
  say?: (line: string) => void;
  /** Test hooks: shorter backoff and other retry settings. */
  runtime?: Pick<RuntimeOptions, 'retry' | 'budgets'>;
  /** Test hook: the streams a command knows (default: the built-in ones and the config's custom reports). */
  registry?: (config: ConnectorConfig) => StreamRegistry;
}

function loadSpec(): Record<string, unknown> {
  // spec.json sits at the package root, beside dist/ and src/.
  return JSON.parse(readFileSync(join(__dirname, '..', 'spec.json'), 'utf8'));
}

export async function spec(io: CommandIO): Promise<number> {
  await io.writer.write({ type: 'SPEC', spec: loadSpec() });
  return 0;
}

/** discover makes no request, so it never refreshes the token; `writeConfig` is accepted for one uniform command line. */
export async function discover(args: { config: string; writeConfig?: boolean }, io: CommandIO): Promise<number> {
  return guard(io, async () => {
    const { config } = await loadConfig(args.config, warnTo(io), configDates(io.env));
    await io.writer.write({ type: 'CATALOG', catalog: discoverCatalog((io.registry ?? streamRegistry)(config)) });
    return 0;
  });
}

/** Every credential, permission or config problem is one CONNECTION_STATUS FAILED naming it (exit 0). */
export async function check(args: { config: string; writeConfig?: boolean }, io: CommandIO): Promise<number> {
  let runtime: ReturnType<typeof createRuntime> | undefined;
  try {
    const { config, raw } = await loadConfig(args.config, warnTo(io), configDates(io.env));
    // check refreshes the token too: a rotated refresh token must reach the CONTROL message and, if asked, the file.
    runtime = createRuntime({
      config,
      rawConfig: raw,
      writer: io.writer,
      env: io.env,
      configPathToUpdate: args.writeConfig ? args.config : undefined,
      ...io.runtime,
    });
    const accounts = new AccountLookups(runtime.requester, config.ad_account_ids, config.organic_ad_account_id);
    const user = await accounts.userAccount();
    const tokens = runtime.tokens;
    // Only what the data needs is required; a missing optional scope is named in the SUCCEEDED message.
    let scopes: ScopeFindings = { missing: [], leftOut: [] };
    if (tokens instanceof OAuthTokens && tokens.grantedScopes) {
      scopes = scopeFindings(tokens.grantedScopes);
      if (scopes.missing.length)
        throw new ConnectorError(
          `The refresh token lacks the scope${scopes.missing.length > 1 ? 's' : ''} ${scopes.missing.join(', ')}, which the streams need: re-authenticate and grant ${scopes.missing.length > 1 ? 'them' : 'it'}.`,
          'config_error',
        );
    }
    const adAccounts = await accounts.listAdAccounts();
    // Attribution settings Pinterest refuses fail here, not in the middle of a sync.
    if (adAccounts.length > 0) await probeAnalyticsSettings(runtime.requester, config, adAccounts[0].id, runtime.today);
    await checkCustomReports(runtime.requester, config, adAccounts[0]?.id, runtime.today);
    await probeBuiltInReports(
      runtime.requester,
      config,
      adAccounts[0]?.id,
      runtime.today,
      (m) => void io.writer.log('WARN', m),
    );
    const notes = scopes.leftOut.length
      ? ` The token works, but ${scopes.leftOut.join('; ')}: re-authenticate granting the missing scopes to read them.`
      : '';
    await io.writer.write(
      msg.connectionStatus(true, `Connected as ${user.username}; ${adAccounts.length} ad account(s) readable.${notes}`),
    );
    return 0;
  } catch (err) {
    if (err instanceof ConnectorError) {
      await io.writer.write(msg.connectionStatus(false, describeCheckFailure(err)));
      return 0;
    }
    await io.writer.write(msg.traceError(messageOf(err), 'system_error', { stack: (err as Error)?.stack }));
    return 1;
  } finally {
    await runtime?.close();
  }
}

function describeCheckFailure(err: ConnectorError): string {
  // check keeps no state: a promise that "the next sync resumes" means nothing here.
  if (err.failureType === 'transient_error')
    return err.message
      .replace(/;?\s*(the next sync resumes from (the saved state|there))\.?$/i, '.')
      .replace(/\s*The state of finished windows is saved\.?$/, '');
  if (err instanceof ApiError && (err.status === 403 || err instanceof ScopeRefusedError)) {
    const scope =
      err.apiCode === 3 || /scope/i.test(err.apiMessage)
        ? ` The token lacks a required scope (${REQUIRED_SCOPES.join(', ')}): re-authenticate and grant it.`
        : '';
    return `${err.message.replace(/\.$/, '')}.${scope}`;
  }
  return err.message;
}

interface ReadArgs {
  config: string;
  catalog: string;
  state?: string;
  writeConfig?: boolean;
}

export async function read(args: ReadArgs, io: CommandIO): Promise<number> {
  return guard(io, async () => {
    const { config, raw } = await loadConfig(args.config, warnTo(io), configDates(io.env));
    const registry = (io.registry ?? streamRegistry)(config);
    const selected = selectStreams(await readCatalogFile(args.catalog), registry);
    const states = parseInputState(args.state ? await readStateFile(args.state) : undefined);
    const streams = discoverCatalog(registry).streams;
    const incremental = streams.filter((s) => s.supported_sync_modes.includes('incremental')).map((s) => s.name);
    const cursors = new Map(streams.map((s) => [s.name, s.default_cursor_field?.[0] ?? 'date']));
    for (const warning of stateWarnings(states, new Set(streams.map((s) => s.name)), new Set(incremental), cursors))
      await io.writer.log('WARN', warning);
    const runtime = createRuntime({
      config,
      rawConfig: raw,
      writer: io.writer,
      env: io.env,
      configPathToUpdate: args.writeConfig ? args.config : undefined,
      ...io.runtime,
    });
    try {
      const log = (level: msg.LogLevel, message: string) => {
        void io.writer.log(level, message);
      };
      const ctx: ReadContext = {
        config,
        registry,
        requester: runtime.requester,
        today: runtime.today,
        clock: runtime.clock,
        accounts: new AccountLookups(runtime.requester, config.ad_account_ids, config.organic_ad_account_id),
        shared: new SharedLists({
          config,
          requester: runtime.requester,
          registry,
          selected: new Set(selected.map((s) => s.def.name)),
        }),
        log,
        readiness: new MetricsReadiness(runtime.requester, runtime.today, log),
        responses: new Semaphore(config.concurrency),
      };
      // Credentials first: a bad secret is one clear error, not one per stream. A fixed access token is
      // only known to be good once Pinterest takes it (the user account is needed by most reads anyway).
      await runtime.tokens.token();
      if (config.credentials.auth_method === 'access_token') await ctx.accounts.userAccount();
      const summaries = await runRead(ctx, selected, states, io.writer);
      const stats = runtime.requester.stats;
      const failed = summaries.filter((s) => s.status === 'INCOMPLETE');
      await io.writer.log(
        failed.length ? 'ERROR' : 'INFO',
        `Read finished: ${summaries.map((s) => `${s.name}=${s.records}${s.status === 'INCOMPLETE' ? ' (INCOMPLETE)' : ''}${s.notes?.length ? ` (${s.notes.join('; ')})` : ''}`).join(', ')}; ${stats.requests} requests, ${stats.retries} retries, ${stats.rateLimited} rate-limited answers.`,
      );
      return failed.length ? 1 : 0;
    } finally {
      await runtime.close();
    }
  });
}

/** Config warnings (unknown keys) as WARN log messages. */
const warnTo = (io: CommandIO) => (message: string) => {
  void io.writer.log('WARN', message);
};

/** Today, and the earliest day ads analytics reach (today − 913, through asynchronous reports), for the config's date rules. */
function configDates(env: NodeJS.ProcessEnv | undefined): ConfigDates {
  const today = todayFromEnv(env ?? process.env);
  return { today, earliest: addDays(today, -(REPORT_LIMITS.default.historyDays - 1)) };
}

/** A command's failure is one TRACE ERROR with its failure type, and a non-zero exit. */
async function guard(io: CommandIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    await io.writer.write(
      msg.traceError(messageOf(err), failureTypeOf(err), {
        internal: err instanceof ConnectorError ? err.internalMessage : undefined,
        stack: err instanceof ConnectorError ? undefined : (err as Error)?.stack,
      }),
    );
    return 1;
  }
}
