/**
 * Where authorize writes the config: checked before the sign-in (a person should not sign in only to learn
 * the file cannot be written), then created exclusively (never overwriting an existing file unless forced),
 * owner-only.
 */
import { constants } from 'node:fs';
import { access, chmod, lstat, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { configError } from '../errors';

/** The path to write, resolved; refuses an existing file without `force` and a folder that is not writable. */
export async function prepareOutput(path: string, force: boolean): Promise<string> {
  const existing = await lstat(path).catch(() => undefined);
  if (existing) {
    const target = existing.isSymbolicLink() ? await realpath(path).catch(() => path) : path;
    if ((await stat(target).catch(() => undefined))?.isDirectory()) throw configError(`--out ${path} is a folder: name a file in it, e.g. ${join(path, 'config.json')}.`);
    if (!force) throw configError(`${path} already exists: nothing was changed. Pass --force to replace it, or --out another file.`);
    path = target;
  }
  const folder = dirname(path);
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat?.isDirectory()) throw configError(`The folder ${folder} of --out does not exist: create it first.`);
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw configError(`The folder ${folder} is not writable by this user: choose another --out, or (in a container) mount a folder the container's user can write.`);
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
      throw configError(code === 'EEXIST' ? `${path} appeared while you signed in: nothing was changed. Pass --force to replace it.` : `Cannot write ${path} (${code ?? String(err)}).`);
    }
    await chmod(path, 0o600); // a umask cannot widen it, but an odd filesystem might ignore `mode`
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.authorize.tmp`);
  try {
    await writeFile(tmp, text, { flag: 'wx', mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw configError(`Cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
}
