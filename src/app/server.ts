/**
 * `paystream serve`: build the container, make sure an admin key exists, build the HTTP app,
 * start the workers, listen. Shutdown (SIGTERM/SIGINT or `shutdown()`): readiness false, stop
 * accepting, finish in-flight requests, then stop workers at a checkpoint, flush group commit and
 * close pools — all within config.server.shutdownTimeoutMs (see src/http/server.ts).
 */
import { ensureBootstrapKey } from '../auth/index.js';
import type { Config } from '../config/schema.js';
import { buildApp } from '../http/app.js';
import type { AppDeps } from '../http/deps.js';
import { type RunningServer, startServer } from '../http/server.js';
import { type Container, type ContainerOptions, createContainer } from './container.js';

export interface Service {
  container: Container;
  server: RunningServer;
  url: string;
  shutdown(reason?: string): Promise<{ timedOut: boolean }>;
}

export interface ServeOptions extends ContainerOptions {
  handleSignals?: boolean;
  /** Where the bootstrap key is printed; default stdout. */
  print?: (text: string) => void;
}

/** AppDeps from a container; the provider flow's routes appear when their parts exist. */
export function appDeps(c: Container): AppDeps {
  return {
    commands: c.commands,
    queries: c.queries,
    keys: c.keys,
    metrics: c.metrics,
    logger: c.logger,
    readinessChecks: c.readinessChecks,
    outbox: c.persistence.outbox,
    reconciler: c.reconciler,
    // Without a signing secret no webhook can be verified, so the route is not offered at all.
    ...(c.provider.webhookSecret ? { webhooks: c.flow.webhooks } : {}),
    close: [() => c.close()],
  };
}

export async function serve(config: Config, options: ServeOptions = {}): Promise<Service> {
  const container = await createContainer(config, options);
  try {
    if (config.auth.bootstrapKey) {
      await ensureBootstrapKey(container.keys, config.dataDir, options.print ? { print: options.print } : {});
    }
    const app = await buildApp(appDeps(container), config);
    await container.start();
    const server = await startServer(app, config, { handleSignals: options.handleSignals ?? false });
    container.provider.connectWebhooks(
      `http://${reachableHost(config.server.host)}:${server.port}/webhooks/stripe`,
    );
    return { container, server, url: server.url, shutdown: (reason) => server.shutdown(reason) };
  } catch (e) {
    await container.close();
    throw e;
  }
}

/** Where this process reaches its own listener: the listen address, or loopback for a wildcard. */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
