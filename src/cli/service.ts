/** `paystream serve | migrate | simulator | events tail`. */
import type { Command } from 'commander';
import { createContainer } from '../app/container.js';
import { serve } from '../app/server.js';
import { createLogger } from '../observability/logger.js';
import { reconcileCommand } from '../payments/provider/reconcileSchedule.js';
import { ValidationError } from '../shared/errors.js';
import { startSimulator } from '../simulator/index.js';
import { cliConfig, print, withPersistence } from './shared.js';

function silentLogger() {
  return createLogger({ level: 'warn' });
}

function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${value}`);
  return n;
}

export function registerServiceCommands(program: Command): void {
  program
    .command('serve')
    .description(
      'run the HTTP API and, unless PAYSTREAM_ROLE=api, the workers (projectors, dispatcher, reconciler)',
    )
    .option('-p, --port <port>', 'listen port (overrides PAYSTREAM_PORT)', intOption)
    .option('-H, --host <host>', 'listen address (overrides PAYSTREAM_HOST)')
    .action(async (opts: { port?: number; host?: string }) => {
      const server: Record<string, unknown> = {};
      if (opts.port !== undefined) server.port = opts.port;
      if (opts.host !== undefined) server.host = opts.host;
      const config = cliConfig({ overrides: { server } });
      await serve(config, { handleSignals: true });
    });

  program
    .command('reconcile')
    .description('compare recent payments with the provider; append corrective events; print the counts')
    .option('--since <iso>', 'payments created since this time (default: the last 24 hours)')
    .action(async (opts: { since?: string }) => {
      const config = cliConfig();
      if (config.provider.kind === 'simulator' && config.simulator.embedded) {
        throw new ValidationError(
          'the embedded simulator lives inside `paystream serve`: reconcile there (POST /v1/reconciliations), ' +
            'or run `paystream simulator` on its own and set PAYSTREAM_SIMULATOR_EMBEDDED=false with ' +
            'PAYSTREAM_STRIPE_HOST, PAYSTREAM_STRIPE_PORT and PAYSTREAM_STRIPE_PROTOCOL=http',
        );
      }
      const container = await createContainer(config, { logger: silentLogger() });
      try {
        await reconcileCommand(container.reconciler, {
          ...(opts.since ? { since: opts.since } : {}),
          progress: process.stderr.isTTY === true,
          metrics: container.metrics,
        });
      } finally {
        await container.close();
      }
    });

  program
    .command('migrate')
    .description('apply the database migrations (also done at start); safe to run twice')
    .action(async () => {
      await withPersistence(async (p) => print(`migrations applied (${p.kind})`));
    });

  program
    .command('simulator')
    .description('run the Stripe-compatible provider simulator on its own')
    .option('-p, --port <port>', 'listen port', intOption, 12111)
    .option('-H, --host <host>', 'listen address', '127.0.0.1')
    .option('--seed <seed>', 'seed of the fault injection', intOption)
    .option('--sqlite <file>', 'keep the simulator state in this SQLite file')
    .option('--webhook-url <url>', 'send signed webhooks there (secret: PAYSTREAM_WEBHOOK_SECRET)')
    .action(
      async (opts: { port: number; host: string; seed?: number; sqlite?: string; webhookUrl?: string }) => {
        const secret = opts.webhookUrl ? cliConfig().provider.webhookSecret : undefined;
        if (opts.webhookUrl && !secret) {
          throw new ValidationError(
            '--webhook-url needs PAYSTREAM_WEBHOOK_SECRET (the whsec_… both sides share)',
          );
        }
        const sim = await startSimulator({
          port: opts.port,
          host: opts.host,
          ...(opts.sqlite ? { sqlitePath: opts.sqlite } : {}),
          ...(opts.seed !== undefined ? { faults: { seed: opts.seed } } : {}),
          ...(opts.webhookUrl && secret ? { webhookEndpoints: [{ url: opts.webhookUrl, secret }] } : {}),
        });
        print(`stripe simulator listening on ${sim.url}`);
        const stop = () => void sim.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );

  const events = program.command('events').description('read the event log');
  events
    .command('tail')
    .description('print events as they are appended (like tail -f), one JSON line each')
    .option('--from-start', 'start at the first event instead of the end')
    .option('--prefix <streamPrefix>', 'only streams with this prefix')
    .option('--no-follow', 'stop at the end of the log')
    .action(async (opts: { fromStart?: boolean; prefix?: string; follow: boolean }) => {
      await withPersistence(async ({ store }) => {
        const after = opts.fromStart ? '' : (await store.head()).checkpoint;
        const sub = store.subscribe({
          after,
          ...(opts.prefix ? { streamPrefix: opts.prefix } : {}),
          handler: (e) => print(JSON.stringify(e)),
        });
        if (!opts.follow) {
          await sub.caughtUp;
          await sub.stop();
          return;
        }
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await sub.stop();
      });
    });
}
