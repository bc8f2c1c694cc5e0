#!/usr/bin/env node
/** The connector's one entrypoint: `node dist/main.js spec|check|discover|read …`. */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { join } from 'node:path';
// yargs/yargs: the factory alone; the package's index also builds (and reads package.json for) a singleton.
import yargs from 'yargs/yargs';
import type { Argv } from 'yargs';
import { check, discover, read, spec, type CommandIO } from './commands';
import { authorize, DEFAULT_TIMEOUT_SECONDS } from './authorize/command';
import { DEFAULT_PORT } from './authorize/consent';
import { MessageWriter, logLevelProblem } from './protocol/output';
import * as msg from './protocol/messages';
import { messageOf } from './errors';
import { nearestKey } from './util/nearest';

export async function main(argv: string[], io: CommandIO): Promise<number> {
  let exit = 0;
  // Text for people (help, version, usage) goes to stderr: stdout carries Airbyte messages only.
  const say =
    io.say ??
    ((line: string) => {
      process.stderr.write(line + '\n');
    });
  const parser = yargs(argv)
    .scriptName('source-pinterest')
    .usage('$0 <command> [options]')
    .command('spec', 'Print the connector specification', {}, async () => {
      exit = await spec(io);
    })
    .command(
      'check',
      'Check the credentials and permissions',
      (y) => withConfig(y),
      async (a) => {
        exit = await check({ config: a.config, writeConfig: a['write-config'] }, io);
      },
    )
    .command(
      'discover',
      'Print the catalog of streams',
      (y) => withConfig(y),
      async (a) => {
        exit = await discover({ config: a.config, writeConfig: a['write-config'] }, io);
      },
    )
    .command(
      'read',
      'Read records',
      (y) =>
        withConfig(y)
          .option('catalog', { type: 'string', demandOption: true, describe: 'Path to the configured catalog JSON' })
          .option('state', {
            type: 'string',
            describe:
              'Path to the state: a saved state JSON, or the output of the previous read (its last STATE per stream is used)',
          }),
      async (a) => {
        exit = await read({ config: a.config, catalog: a.catalog, state: a.state, writeConfig: a['write-config'] }, io);
      },
    )
    .command(
      'authorize',
      'Sign in to Pinterest in a browser and write a config with a refresh token',
      (y) =>
        y
          .option('client-id', { type: 'string', demandOption: true, describe: "Your Pinterest app's App id" })
          .option('client-secret', {
            type: 'string',
            describe:
              "Your Pinterest app's App secret key. Prefer PINTEREST_CLIENT_SECRET or --client-secret-stdin: a value given here is visible in the process list while the sign-in waits",
          })
          .option('client-secret-stdin', {
            type: 'boolean',
            default: false,
            describe: 'Read the App secret key from the first line of stdin',
          })
          .option('port', {
            type: 'number',
            default: DEFAULT_PORT,
            describe: 'Port of the redirect URI http://localhost:PORT/ (register it in the app)',
          })
          .option('out', { type: 'string', default: 'config.json', describe: 'The config file to write (mode 0600)' })
          .option('force', { type: 'boolean', default: false, describe: 'Replace the --out file if it exists' })
          .option('browser', {
            type: 'boolean',
            default: true,
            describe: 'Open the consent page in a browser (--no-browser: only print the link)',
          })
          .option('timeout', {
            type: 'number',
            default: DEFAULT_TIMEOUT_SECONDS,
            describe: 'Seconds to wait for the sign-in',
          }),
      async (a) => {
        const secret = await clientSecretFrom(
          a['client-secret'],
          a['client-secret-stdin'],
          io.env ?? process.env,
          process.stdin,
        );
        exit = await authorize(
          {
            clientId: a['client-id'],
            clientSecret: secret.value,
            clientSecretFrom: secret.from,
            port: a.port,
            out: a.out,
            force: a.force,
            browser: a.browser,
            timeoutSeconds: a.timeout,
          },
          { env: io.env, say },
        );
      },
    )
    .demandCommand(1, 'Name a command: spec, check, discover, read or authorize.')
    .strictCommands()
    // A misspelled option (--write-confg) must not be ignored: it would silently lose a rotated token.
    .strictOptions()
    .help()
    .alias('help', 'h')
    .version(packageVersion())
    .alias('version', 'v')
    .exitProcess(false)
    .fail((message, err) => {
      throw err ?? new UsageError(message);
    });
  try {
    const badLevel = logLevelProblem((io.env ?? process.env).LOG_LEVEL);
    if (badLevel) {
      // Reported as each command reports a bad environment: check's FAILED status, authorize's line for a person.
      const command = argv.find((a) => !a.startsWith('-'));
      if (command === 'authorize') {
        say(`authorize failed: ${badLevel}`);
        return 1;
      }
      if (command === 'check') {
        await io.writer.write(msg.connectionStatus(false, badLevel));
        return 0;
      }
      await io.writer.write(msg.traceError(badLevel, 'config_error'));
      return 1;
    }
    const unknown = unknownOptions(argv);
    if (unknown) throw new UsageError(unknown);
    // With a callback yargs hands over its help and version text instead of printing it to stdout.
    await parser.parseAsync(argv, {}, (_err, _args, output) => {
      if (output) say(output);
    });
  } catch (err) {
    if (err instanceof UsageError && !argv.some((a) => !a.startsWith('-'))) {
      // A person ran it bare: show what it does rather than a protocol message.
      say(await parser.getHelp());
      say('\nName a command: spec, check, discover, read or authorize.');
      return 2;
    }
    // authorize talks to a person: its stdout carries no protocol message, not even for a usage error.
    const forPerson = err instanceof UsageError && argv.find((a) => !a.startsWith('-')) === 'authorize';
    if (!forPerson)
      await io.writer.write(
        msg.traceError(
          err instanceof UsageError ? `Invalid command line: ${err.message}` : messageOf(err),
          err instanceof UsageError ? 'config_error' : 'system_error',
        ),
      );
    if (err instanceof UsageError) say(`Invalid command line: ${err.message} (--help shows the usage).`);
    exit = 1;
  }
  return exit;
}

/** package.json sits at the package root, beside dist/ and src/ (and in the Docker image). */
function packageVersion(): string {
  try {
    return String(JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version);
  } catch {
    return 'unknown';
  }
}

class UsageError extends Error {}

/** Longest app secret read from stdin: a secret is a line, not a file. */
const MAX_STDIN_SECRET_BYTES = 4096;

/**
 * The app secret: `--client-secret-stdin` reads the first line of stdin; without an option PINTEREST_CLIENT_SECRET.
 * A value on the command line still works (with a warning): the process list shows it while the sign-in waits.
 */
async function clientSecretFrom(
  option: string | undefined,
  fromStdin: boolean,
  env: NodeJS.ProcessEnv,
  stdin: NodeJS.ReadableStream,
): Promise<{ value: string; from?: 'argument' | 'environment' | 'stdin' }> {
  if (fromStdin) {
    let text = '';
    for await (const chunk of stdin) {
      text += chunk.toString();
      if (text.includes('\n') || text.length > MAX_STDIN_SECRET_BYTES) break;
    }
    return { value: text.split(/\r?\n/)[0], from: 'stdin' };
  }
  if (option !== undefined) return { value: option, from: 'argument' };
  return { value: env.PINTEREST_CLIENT_SECRET ?? '', from: 'environment' };
}

/** Each command's options (yargs also takes them in camelCase, and --no-<flag> for booleans). */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  spec: [],
  check: ['config', 'write-config'],
  discover: ['config', 'write-config'],
  read: ['config', 'write-config', 'catalog', 'state'],
  authorize: ['client-id', 'client-secret', 'client-secret-stdin', 'port', 'out', 'force', 'browser', 'timeout'],
};
const GLOBAL_OPTIONS = ['help', 'version'];

/**
 * The options on the command line that the command does not take, named as typed with the nearest one meant
 * ("unknown option --confg; did you mean --config?"). Checked before yargs, whose "Missing required argument:
 * config" for `--confg` would hide the slip.
 */
function unknownOptions(argv: readonly string[]): string | undefined {
  const command = argv.find((a) => !a.startsWith('-'));
  if (command === undefined || !(command in COMMAND_OPTIONS)) return undefined;
  const known = [...COMMAND_OPTIONS[command], ...GLOBAL_OPTIONS];
  const accepted = new Set([...known, 'h', 'v']);
  const problems: string[] = [];
  for (const arg of argv) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || /^-\d/.test(arg)) continue;
    const typed = arg.split('=')[0];
    const name = typed.replace(/^-+/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (accepted.has(name) || (name.startsWith('no-') && accepted.has(name.slice(3)))) continue;
    const near = nearestKey(name, known);
    problems.push(`unknown option ${typed}${near ? `; did you mean --${near}?` : ''}`);
  }
  return problems.length ? problems.join('; ') : undefined;
}

/** --config, and --write-config for every command that may refresh the token (check, discover, read). */
function withConfig<T>(y: Argv<T>) {
  return y
    .option('config', { type: 'string', demandOption: true, describe: 'Path to the config JSON' })
    .option('write-config', {
      type: 'boolean',
      default: false,
      describe: 'Write a rotated refresh token back into the --config file (for docker run users)',
    });
}

/**
 * After SIGTERM/SIGINT, how long the last lines may wait for a reader that does not drain stdout: long enough
 * for a busy machine to flush, short of Docker's 10 s stop grace.
 */
const STOP_TIMEOUT_MS = 8000;

/**
 * V8 settings for a long read, measured with `npm run bench` (docs/performance.md), set before the first
 * connection: the HTTP parser (undici's llhttp, WebAssembly) compiled by the baseline compiler only, whose
 * optimising pass alone raised peak RSS by ~35 MB; and an old generation that grows by half of what survives
 * a full collection instead of up to four times: peak RSS at size M ~270 → ~180 MB for a few percent of CPU.
 * The young generation's size can only be set at start (bin/entrypoint.sh does, for the image).
 */
const V8_FLAGS = ['--liftoff-only', '--heap-growing-percent=50'];

if (require.main === module) {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
  const writer = new MessageWriter(process.stdout);
  const finish = async (code: number) => {
    await writer.flush();
    process.exitCode = code;
  };
  // Airbyte stops a sync with SIGTERM: write what is buffered (every checkpoint already went out) and leave.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // authorize talks to a person on stderr; it has no state to keep.
      if (process.argv[2] === 'authorize') {
        process.stderr.write(`\nauthorize stopped (${signal}): nothing was written.\n`);
        process.exit(signal === 'SIGTERM' ? 143 : 130);
      }
      // No record after the notice; and a destination that stopped reading the pipe must not keep us alive.
      const notice = msg.log(
        'WARN',
        `Received ${signal}; stopping. The next sync resumes from the last state message.`,
      );
      void writer.stop(notice, STOP_TIMEOUT_MS).finally(() => process.exit(signal === 'SIGTERM' ? 143 : 130));
    });
  }
  process.on('uncaughtException', (err) => {
    void writer.write(msg.traceError(messageOf(err), 'system_error', { stack: err.stack }));
    void writer.flush().finally(() => process.exit(1));
  });
  main(process.argv.slice(2), { writer }).then(finish, async (err) => {
    await writer.write(msg.traceError(messageOf(err), 'system_error', { stack: (err as Error)?.stack }));
    await finish(1);
  });
}
