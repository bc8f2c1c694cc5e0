import { randomBytes } from 'node:crypto';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';

/**
 * Beside the file the path names (through symlinks: the link keeps pointing at the updated file), owner-only,
 * created exclusively (a planted file or link at the temp name is never followed), synced, then renamed over
 * it: a crash never leaves a half-written config. A file without any write bit is the user's way to say
 * "do not touch" (root could write it anyway): it is left alone.
 */
export async function writeConfigAtomically(path: string, config: Record<string, unknown>): Promise<void> {
  const full = await realpath(resolve(process.cwd(), path));
  const mode = (await stat(full)).mode;
  if ((mode & 0o222) === 0) throw Object.assign(new Error('the file is read-only'), { code: 'read-only file' });
  const tmp = join(dirname(full), `.${basename(full)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(tmp, 'wx', 0o600);
  try {
    await file.writeFile(JSON.stringify(config, null, 2) + '\n');
    await file.chmod(0o600);
    await file.sync();
  } catch (err) {
    await file.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await file.close();
  try {
    await rename(tmp, full);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
