/**
 * Writes a config file in place of another, atomically: a same-folder temporary file, synced, renamed over
 * the old one, so a crash never leaves a half-written config. The temporary file has one fixed name per
 * config (a stale one from a killed run is removed first, and one in flight is removed when the process
 * exits), is created exclusively (a planted file or link at that name is never followed) and owner-only
 * until it takes the old file's owner and owner permissions (never group or other: it holds a secret).
 */
import { chownSync, unlinkSync } from 'node:fs';
import { lstat, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Temporary files being written: removed if the process exits (SIGTERM ends it with process.exit) before the rename. */
const inFlight = new Set<string>();
let exitHookInstalled = false;

function removeOnExit(path: string): void {
  inFlight.add(path);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of inFlight) {
      try {
        unlinkSync(p);
      } catch {
        /* already renamed or removed */
      }
    }
  });
}

/** The temporary file beside `path`: one fixed name, so the next write removes what a `kill -9` left. */
export const tempPathFor = (path: string): string => join(dirname(path), `.${basename(path)}.source-pinterest.tmp`);

/**
 * Replaces the file at `path` with `text`. `keep` is the file whose owner (and owner permissions) the new one
 * takes; the new file is 0600 otherwise. The path itself is replaced: a symlink at `path` becomes a file.
 */
export async function replaceFile(
  path: string,
  text: string,
  keep?: { mode: number; uid: number; gid: number },
): Promise<void> {
  const tmp = tempPathFor(path);
  // A leftover from a killed run (or anything planted under that name: unlink removes a link, not its target).
  const stale = await lstat(tmp).catch(() => undefined);
  if (stale && !stale.isDirectory()) await unlink(tmp).catch(() => undefined);
  const file = await open(tmp, 'wx', 0o600);
  removeOnExit(tmp);
  try {
    try {
      await file.writeFile(text);
      await file.chmod(keep ? ownerOnly(keep.mode) : 0o600);
      if (keep) await keepOwner(tmp, keep);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  } finally {
    inFlight.delete(tmp);
  }
}

/** The old file's permissions for its owner (at least read and write), none for anyone else: mode 0600 for a usual file. */
const ownerOnly = (mode: number): number => (mode & 0o700) | 0o600;

/** Root can give the file back to its owner; anyone else keeps it (a change of owner is not theirs to make). */
async function keepOwner(path: string, keep: { uid: number; gid: number }): Promise<void> {
  if (typeof process.getuid !== 'function') return;
  try {
    chownSync(path, keep.uid, keep.gid);
  } catch {
    // not allowed (not root, or a group this user is not in): the file stays this user's
  }
}

/**
 * `--write-config`: the config at `path` (through symlinks: the link keeps pointing at the updated file) gets
 * `config`, keeping its owner (a root container must not take a person's file from them), mode 0600. A file without any write bit is the user's way to say "do not touch"
 * (root could write it anyway): it is left alone.
 */
export async function writeConfigAtomically(path: string, config: Record<string, unknown>): Promise<void> {
  const full = await realpath(resolve(process.cwd(), path));
  const { mode, uid, gid } = await stat(full);
  if ((mode & 0o222) === 0) throw Object.assign(new Error('the file is read-only'), { code: 'read-only file' });
  await replaceFile(full, JSON.stringify(config, null, 2) + '\n', { mode, uid, gid });
}
