/**
 * Reading a file a user named (a suite, a profile, a config file, a certificate, a ledger, a baseline, a file to
 * validate): only a regular file, and only up to MAX_LOCAL_FILE bytes. A device (/dev/zero), a pipe, a directory or a
 * file that never ends (/proc) would otherwise hang or fill memory. Errors carry a `code` and a message that reads
 * after "cannot read FILE: ".
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The most scimcheck reads from one file. */
export const MAX_LOCAL_FILE = 16 * 1024 * 1024;
/** The most it reads from a YAML file (a suite, a profile, a config file): parsing YAML takes ~100x its size in memory. */
export const MAX_YAML_FILE = 1024 * 1024;

function fail(code: string, message: string): never {
  throw Object.assign(new Error(message), { code });
}

export function readLocalFile(path: string): Buffer;
export function readLocalFile(path: string, encoding: 'utf8', max?: number): string;
export function readLocalFile(path: string, encoding?: 'utf8', max = MAX_LOCAL_FILE): Buffer | string {
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) fail('ENOTREG', 'not a regular file (a directory, a device or a pipe)');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) fail('EFBIG', `larger than ${max / 1024 / 1024} MiB, the most scimcheck reads from ${max === MAX_LOCAL_FILE ? 'one file' : 'a YAML file'}`);
      chunks.push(chunk.subarray(0, n));
    }
    const buf = Buffer.concat(chunks, total);
    return encoding ? buf.toString(encoding) : buf;
  } finally {
    closeSync(fd);
  }
}
