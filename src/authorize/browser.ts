/** Opens a URL in the person's browser where one exists; any failure is ignored (the URL is printed anyway). */
import { spawn } from 'node:child_process';

export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser here: the person copies the printed URL
  }
}

/** Never in CI or tests, nor where no one sits in front of a screen (a container). */
export function shouldOpenBrowser(env: NodeJS.ProcessEnv, noBrowserFlag: boolean, inContainer: boolean): boolean {
  return !noBrowserFlag && !inContainer && !env.CI && !env.PINTEREST_NO_BROWSER;
}
