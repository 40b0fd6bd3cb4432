/**
 * First start: with no API key at all, create one admin key so the operator can get in. The key is
 * printed once to stdout (deliberately not through the logger, which would redact it and ship it to
 * log storage) and written to `<dataDir>/admin-key`, readable by the owner only.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiKeys } from './keys.js';

export interface BootstrapResult {
  id: string;
  /** Where the key was written. */
  file: string;
}

export interface BootstrapOptions {
  /**
   * Where the key is shown. Default: stdout when it is a terminal; otherwise only the file's path
   * is printed, so the key never lands in collected logs.
   */
  print?: (text: string) => void;
}

/** Creates the admin key when the store holds none; undefined when keys already exist. */
export async function ensureBootstrapKey(
  keys: ApiKeys,
  dataDir: string,
  options: BootstrapOptions = {},
): Promise<BootstrapResult | undefined> {
  const created = await keys.createFirstKey({ scopes: ['admin'], name: 'bootstrap admin' });
  if (!created) return undefined;
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'admin-key');
  writeFileSync(file, `${created.key}\n`, { mode: 0o600 });
  // mode only applies when the file is created: tighten a file left by an older install too.
  chmodSync(file, 0o600);
  if (options.print) {
    options.print(
      `paystream: created the bootstrap admin API key (shown once, also in ${file}):\n  ${created.key}\n`,
    );
  } else if (process.stdout.isTTY) {
    process.stdout.write(
      `paystream: created the bootstrap admin API key (shown once, also in ${file}):\n  ${created.key}\n`,
    );
  } else {
    // Not a terminal (a container, a log collector): the key would end up in stored logs.
    process.stdout.write(`paystream: created the bootstrap admin API key; it is in ${file} (mode 0600)\n`);
  }
  return { id: created.id, file };
}
