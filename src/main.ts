#!/usr/bin/env node
/** The connector's one entrypoint: `node dist/main.js spec|check|discover|read …`. */
import yargs from 'yargs';
import { check, discover, read, spec, type CommandIO } from './commands';
import { MessageWriter, logLevelProblem } from './protocol/output';
import * as msg from './protocol/messages';
import { messageOf } from './errors';

export async function main(argv: string[], io: CommandIO): Promise<number> {
  let exit = 0;
  const parser = yargs(argv)
    .scriptName('source-pinterest')
    .usage('$0 <command> [options]')
    .command('spec', 'Print the connector specification', {}, async () => { exit = await spec(io); })
    .command('check', 'Check the credentials and permissions', (y) => y.option('config', { type: 'string', demandOption: true, describe: 'Path to the config JSON' }),
      async (a) => { exit = await check({ config: a.config }, io); })
    .command('discover', 'Print the catalog of streams', (y) => y.option('config', { type: 'string', demandOption: true, describe: 'Path to the config JSON' }),
      async (a) => { exit = await discover({ config: a.config }, io); })
    .command('read', 'Read records', (y) => y
      .option('config', { type: 'string', demandOption: true, describe: 'Path to the config JSON' })
      .option('catalog', { type: 'string', demandOption: true, describe: 'Path to the configured catalog JSON' })
      .option('state', { type: 'string', describe: 'Path to the state JSON' })
      .option('write-config', { type: 'boolean', default: false, describe: 'Write a rotated refresh token back into the --config file (for docker run users)' }),
      async (a) => { exit = await read({ config: a.config, catalog: a.catalog, state: a.state, writeConfig: a['write-config'] }, io); })
    .demandCommand(1, 'Name a command: spec, check, discover or read.')
    .strictCommands()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((message, err) => { throw err ?? new UsageError(message); });
  try {
    const badLevel = logLevelProblem((io.env ?? process.env).LOG_LEVEL);
    if (badLevel) {
      await io.writer.write(msg.traceError(badLevel, 'config_error'));
      return 1;
    }
    await parser.parseAsync();
  } catch (err) {
    await io.writer.write(msg.traceError(err instanceof UsageError ? `Invalid command line: ${err.message}` : messageOf(err), err instanceof UsageError ? 'config_error' : 'system_error'));
    exit = 1;
  }
  return exit;
}

class UsageError extends Error {}

/** After SIGTERM/SIGINT, how long the last lines may wait for a reader that does not drain stdout. */
const STOP_TIMEOUT_MS = 3000;

if (require.main === module) {
  const writer = new MessageWriter(process.stdout);
  const finish = async (code: number) => {
    await writer.flush();
    process.exitCode = code;
  };
  // Airbyte stops a sync with SIGTERM: write what is buffered (every checkpoint already went out) and leave.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // No record after the notice; and a destination that stopped reading the pipe must not keep us alive.
      const notice = msg.log('WARN', `Received ${signal}; stopping. The next sync resumes from the last state message.`);
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
