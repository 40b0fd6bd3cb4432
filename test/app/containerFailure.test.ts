import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createContainer } from '../../src/app/container.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';

describe('createContainer that fails part-way', () => {
  let dir: string;
  let busy: Server;
  let busyPort: number;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paystream-container-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes the persistence it opened when the embedded simulator cannot start', async () => {
    const config = loadConfig({
      env: {},
      overrides: { dataDir: dir, simulator: { port: busyPort }, logLevel: 'silent' },
    });
    await assert.rejects(
      createContainer(config, { logger: createLogger({ level: 'silent' }) }),
      /EADDRINUSE/,
    );
    // The SQLite connection was closed: the last close of a WAL database removes its -wal file.
    assert.equal(existsSync(join(dir, 'paystream.db')), true, 'the database was opened');
    assert.equal(existsSync(join(dir, 'paystream.db-wal')), false, 'and closed again');
  });
});
