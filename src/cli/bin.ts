#!/usr/bin/env node
// The `paystream` executable: runs the CLI; a configuration error exits with 2, others with 1.
import { runCli } from './index.js';

runCli().catch((e: unknown) => {
  const err = e as { code?: string; message?: string };
  process.stderr.write(`paystream: ${err.message ?? String(e)}\n`);
  process.exit(err.code === 'PAY_CONFIG_INVALID' ? 2 : 1);
});
