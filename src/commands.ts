/**
 * spec / check / discover / read, as functions of (arguments, writer, environment) returning an exit code.
 * main.ts wires them to yargs and the process; tests call them directly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, readJsonFile } from './config/load';
import type { ConnectorConfig } from './config/schema';
import { SCOPES } from './config/spec';
import { ConnectorError, failureTypeOf, messageOf } from './errors';
import { discoverCatalog, selectStreams } from './engine/catalog';
import type { ReadContext } from './engine/context';
import { PartitionResolver } from './engine/partitions';
import { runRead } from './engine/read';
import { createRuntime, type RuntimeOptions } from './engine/runtime';
import { SharedLists } from './engine/shared-lists';
import { parseInputState } from './engine/state';
import { OAuthTokens } from './http/auth';
import { ApiError } from './http/errors';
import * as msg from './protocol/messages';
import type { MessageWriter } from './protocol/output';
import { REPORT_LIMITS } from './reports/limits';
import { checkCustomReports } from './reports/custom-check';
import { Semaphore } from './util/async';
import { addDays, today as todayFromEnv } from './util/dates';

export interface CommandIO {
  writer: MessageWriter;
  env?: NodeJS.ProcessEnv;
  /** Test hooks: shorter backoff and other retry settings. */
  runtime?: Pick<RuntimeOptions, 'retry' | 'budgets'>;
}

export function loadSpec(): Record<string, unknown> {
  // spec.json sits at the package root, beside dist/ and src/.
  return JSON.parse(readFileSync(join(__dirname, '..', 'spec.json'), 'utf8'));
}

export async function spec(io: CommandIO): Promise<number> {
  await io.writer.write({ type: 'SPEC', spec: loadSpec() });
  return 0;
}

export async function discover(args: { config: string }, io: CommandIO): Promise<number> {
  return guard(io, async () => {
    const { config } = await loadConfig(args.config);
    validateDates(config, io.env);
    await io.writer.write({ type: 'CATALOG', catalog: discoverCatalog(config) });
    return 0;
  });
}

/** Every credential, permission or config problem is one CONNECTION_STATUS FAILED naming it (exit 0). */
export async function check(args: { config: string }, io: CommandIO): Promise<number> {
  let runtime: ReturnType<typeof createRuntime> | undefined;
  try {
    const { config, raw } = await loadConfig(args.config);
    validateDates(config, io.env);
    runtime = createRuntime({ config, rawConfig: raw, writer: io.writer, env: io.env, ...io.runtime });
    const partitions = new PartitionResolver(runtime.requester, config.ad_account_ids);
    const user = await partitions.userAccount();
    const tokens = runtime.tokens;
    if (tokens instanceof OAuthTokens && tokens.grantedScopes) {
      const missing = SCOPES.filter((s) => !tokens.grantedScopes!.includes(s));
      if (missing.length) throw new ConnectorError(`The refresh token lacks the scopes ${missing.join(', ')}: re-authenticate and grant them.`, 'config_error');
    }
    const accounts = await partitions.listAdAccounts();
    await checkCustomReports(runtime.requester, config, accounts[0]?.id, todayFromEnv(io.env ?? process.env));
    await io.writer.write(msg.connectionStatus(true, `Connected as ${user.username}; ${accounts.length} ad account(s) readable.`));
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
  if (err instanceof ApiError && err.status === 403) {
    const scope = err.apiCode === 3 || /scope/i.test(err.apiMessage) ? ' The token lacks a required scope (boards:read, boards:read_secret, pins:read, pins:read_secret, user_accounts:read, ads:read): re-authenticate and grant them.' : '';
    return `${err.message}.${scope}`;
  }
  return err.message;
}

export interface ReadArgs { config: string; catalog: string; state?: string; writeConfig?: boolean }

export async function read(args: ReadArgs, io: CommandIO): Promise<number> {
  return guard(io, async () => {
    const { config, raw } = await loadConfig(args.config);
    validateDates(config, io.env);
    const selected = selectStreams(await readJsonFile(args.catalog, 'catalog'), config);
    const states = parseInputState(args.state ? await readJsonFile(args.state, 'state') : undefined);
    const runtime = createRuntime({
      config, rawConfig: raw, writer: io.writer, env: io.env, configPathToUpdate: args.writeConfig ? args.config : undefined, ...io.runtime,
    });
    try {
      const shared = new SharedLists();
      const ctx: ReadContext = {
        config,
        requester: runtime.requester,
        today: runtime.today,
        partitions: new PartitionResolver(runtime.requester, config.ad_account_ids),
        shared,
        log: (level, message) => { void io.writer.log(level, message); },
        responses: new Semaphore(config.concurrency),
      };
      shared.bind(ctx);
      // Credentials first: a bad secret is one clear error, not one per stream.
      await runtime.tokens.token();
      const summaries = await runRead(ctx, selected, states, io.writer);
      const stats = runtime.requester.stats;
      const failed = summaries.filter((s) => s.status === 'INCOMPLETE');
      await io.writer.log(
        failed.length ? 'ERROR' : 'INFO',
        `Read finished: ${summaries.map((s) => `${s.name}=${s.records}${s.status === 'INCOMPLETE' ? ' (INCOMPLETE)' : ''}`).join(', ')}; ${stats.requests} requests, ${stats.retries} retries, ${stats.rateLimited} rate-limited answers.`,
      );
      return failed.length ? 1 : 0;
    } finally {
      await runtime.close();
    }
  });
}

/** end_date older than the API serves can never be read: a config error, named. */
function validateDates(config: ConnectorConfig, env: NodeJS.ProcessEnv | undefined): void {
  const today = todayFromEnv(env ?? process.env);
  // Ads analytics reach today − 913 through asynchronous reports (pin and user analytics warn and stay empty).
  const earliest = addDays(today, -(REPORT_LIMITS.default.historyDays - 1));
  if (config.end_date && config.end_date < earliest) {
    throw new ConnectorError(`Invalid config: 'end_date' ${config.end_date} is older than the ${REPORT_LIMITS.default.historyDays} days Pinterest's reports serve (the earliest day is ${earliest}).`, 'config_error');
  }
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
