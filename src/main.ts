// `npm start`: the service on its embedded defaults (SQLite in ./data, in-process cache, the
// bundled provider simulator), configured by PAYSTREAM_* variables; same as `paystream serve`.
import { runCli } from './cli/index.js';

runCli([process.argv[0]!, 'paystream', 'serve', ...process.argv.slice(2)]).catch((e: unknown) => {
  const err = e as { code?: string; message?: string };
  process.stderr.write(`paystream: ${err.message ?? String(e)}\n`);
  process.exit(err.code === 'PAY_CONFIG_INVALID' ? 2 : 1);
});
