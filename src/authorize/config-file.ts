/**
 * Where authorize writes the config: checked before the sign-in (a person should not sign in only to learn
 * the file cannot be written), then created exclusively (never overwriting an existing file unless forced),
 * owner-only (mode 0600).
 */
import { constants } from 'node:fs';
import { access, chmod, lstat, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { configError } from '../errors';
import { replaceFile } from '../config/write-back';

/**
 * The path to write; refuses an existing file without `force` and a folder that is not writable. With
 * `force` a symlink at the path is itself replaced, never the file it points to (which may be anyone's).
 */
export async function prepareOutput(path: string, force: boolean): Promise<string> {
  const existing = await lstat(path).catch(() => undefined);
  if (existing) {
    if ((await stat(path).catch(() => undefined))?.isDirectory())
      throw configError(`--out ${path} is a folder: name a file in it, e.g. ${join(path, 'config.json')}.`);
    if (!force)
      throw configError(
        `${path} already exists: nothing was changed. Pass --force to replace it, or --out another file.`,
      );
  }
  const folder = dirname(path);
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat?.isDirectory()) throw configError(`The folder ${folder} of --out does not exist: create it first.`);
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw configError(
      `The folder ${folder} is not writable by this user: choose another --out, or (in a container) mount a folder the container's user can write.`,
    );
  }
  return path;
}

/** Exclusive creation (`wx`), or with `force` a same-folder temporary file renamed over the old one. */
export async function writeConfigFile(path: string, config: Record<string, unknown>, force: boolean): Promise<void> {
  const text = JSON.stringify(config, null, 2) + '\n';
  if (!force) {
    try {
      await writeFile(path, text, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw configError(
        code === 'EEXIST'
          ? `${path} appeared while you signed in: nothing was changed. Pass --force to replace it.`
          : `Cannot write ${path} (${code ?? String(err)}).`,
      );
    }
    await chmod(path, 0o600); // a umask cannot widen it, but an odd filesystem might ignore `mode`
    return;
  }
  try {
    await replaceFile(path, text);
  } catch (err) {
    throw configError(`Cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
}
