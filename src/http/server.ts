/**
 * startServer: listen, and shut down gracefully. Shutdown order:
 *  1. readiness goes false (GET /readyz → 503) and long waits end (preClose hook in app.ts);
 *  2. the server stops accepting connections and finishes the requests in flight;
 *  3. the deps' close callbacks run, in order (onClose hook in app.ts: flush group commit, stop
 *     projectors at a checkpoint, close pools);
 * all within config.server.shutdownTimeoutMs; past it, open connections are cut and the close
 * callbacks are still run, so the stores flush whatever happens.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';

export interface RunningServer {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  /** Idempotent; resolves when everything is closed (or the bound passed). */
  shutdown(reason?: string): Promise<{ timedOut: boolean }>;
}

export interface StartServerOptions {
  /** Shut down on SIGTERM and SIGINT (a second signal exits at once). Default false. */
  handleSignals?: boolean;
}

function delay(ms: number): { promise: Promise<'timeout'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Listens on config.server.host/port (port 0 = ephemeral) once `app` is built. */
export async function startServer(
  app: FastifyInstance,
  config: Config,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  await app.listen({ host: config.server.host, port: config.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  let closing: Promise<{ timedOut: boolean }> | undefined;

  const shutdown = (reason = 'shutdown requested') => {
    closing ??= (async () => {
      app.log.info({ reason }, 'shutting down');
      const bound = delay(config.server.shutdownTimeoutMs);
      const closed = app.close().then(() => 'closed' as const);
      const outcome = await Promise.race([closed, bound.promise]);
      bound.cancel();
      if (outcome === 'timeout') {
        app.log.warn(
          { timeoutMs: config.server.shutdownTimeoutMs },
          'shutdown bound reached: cutting connections',
        );
        app.server.closeAllConnections();
        await closed;
      }
      app.log.info('shut down');
      return { timedOut: outcome === 'timeout' };
    })();
    return closing;
  };

  if (options.handleSignals) installSignalHandlers(shutdown);
  app.log.info({ url: `http://${host}:${port}` }, 'listening');
  return { url: `http://${host}:${port}`, port, shutdown };
}

function installSignalHandlers(shutdown: (reason: string) => Promise<unknown>): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(1);
    received = true;
    void shutdown(`received ${signal}`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
