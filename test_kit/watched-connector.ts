/** The connector as a process whose stderr is watched as it comes (authorize talks to a person there). */
import { launchConnector } from './spawn';

export interface Finished {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the connector; `consent` resolves with the consent URL authorize prints (or never, when it prints none). */
export function watchConnector(args: string[], env: Record<string, string | undefined> = {}) {
  const child = launchConnector(args, env);
  let stdout = '';
  let stderr = '';
  let announce: (url: URL) => void;
  const consent = new Promise<URL>((resolve) => {
    announce = resolve;
  });
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    const m = /^\s*(http\S+\/oauth\/\?\S+)$/m.exec(stderr);
    if (m) announce(new URL(m[1]));
  });
  const finished = new Promise<Finished>((resolve) =>
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr })),
  );
  return { consent, finished, child };
}
