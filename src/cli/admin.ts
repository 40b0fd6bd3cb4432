/** `paystream keys | projections | outbox` — operator commands on the database. */
import type { Command } from 'commander';
import { ApiKeys, SCOPES, type Scope } from '../auth/index.js';
import { rebuildProgressBar } from '../eventsourcing/projections/progress.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import { print, table, withPersistence } from './shared.js';

function scopes(value: string): Scope[] {
  const list = value.split(',').map((s) => s.trim());
  const bad = list.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length > 0 || list.length === 0) {
    throw new ValidationError(`unknown scope(s): ${bad.join(', ')} (known: ${SCOPES.join(', ')})`);
  }
  return list as Scope[];
}

function registerKeys(program: Command): void {
  const keys = program.command('keys').description('API keys (only their hash is stored)');
  keys
    .command('create')
    .description('create an API key and print it once')
    .requiredOption('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, scopes)
    .option('--name <name>', 'a label for the key', 'cli')
    .action(async (opts: { scopes: Scope[]; name: string }) => {
      await withPersistence(async (p) => {
        const created = await new ApiKeys(p.keyStore).createKey({ scopes: opts.scopes, name: opts.name });
        print(`id:  ${created.id}\nkey: ${created.key}\n(shown once: store it now)`);
      });
    });
  keys
    .command('list')
    .description('list API keys (never their secret)')
    .action(async () => {
      await withPersistence(async (p) => table((await new ApiKeys(p.keyStore).listKeys()) as never));
    });
  keys
    .command('revoke <id>')
    .description('revoke an API key')
    .action(async (id: string) => {
      await withPersistence(async (p) => {
        if (!(await new ApiKeys(p.keyStore).revokeKey(id))) throw new NotFoundError('active API key', id);
        print(`revoked ${id}`);
      });
    });
}

function registerProjections(program: Command): void {
  const projections = program.command('projections').description('read-model projections');
  projections
    .command('status')
    .description('status, checkpoint and lag of every projection')
    .action(async () => {
      await withPersistence(async (p) => {
        const rows = await p.projections.status();
        table(
          rows.map(({ name, status, position, lagEvents, lagSeconds, rebuildDue, error }) => ({
            name,
            status,
            position,
            lagEvents,
            lagSeconds,
            rebuildDue,
            error,
          })),
        );
      });
    });
  projections
    .command('rebuild [name]')
    .description('rebuild a projection (or --all) into shadow tables, then swap them in')
    .option('--all', 'rebuild every projection')
    .action(async (name: string | undefined, opts: { all?: boolean }) => {
      if (!name && !opts.all) throw new ValidationError('name a projection or pass --all');
      await withPersistence(async (p) => {
        const target = opts.all ? 'all' : name!;
        const bar = rebuildProgressBar(target);
        try {
          const results = await p.projections.rebuild(target, { onProgress: bar.update });
          bar.stop();
          for (const r of results) print(`${r.projection}: ${r.events} events in ${r.seconds.toFixed(2)} s`);
        } finally {
          bar.stop();
        }
      });
    });
}

function registerOutbox(program: Command): void {
  const outbox = program.command('outbox').description('provider work waiting, done or dead');
  outbox
    .command('list')
    .description('list outbox messages')
    .option('--state <state>', 'pending | leased | done | dead', 'dead')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (opts: { state: string; limit: string }) => {
      if (!['pending', 'leased', 'done', 'dead'].includes(opts.state)) {
        throw new ValidationError(`unknown state ${opts.state}`);
      }
      await withPersistence(async (p) => {
        const rows = await p.outbox.list({ state: opts.state as 'dead', limit: Number(opts.limit) });
        table(
          rows.map(({ id, kind, streamId, state, attempts, lastError, updatedAt }) => ({
            id,
            kind,
            streamId,
            state,
            attempts,
            updatedAt,
            lastError,
          })),
        );
      });
    });
  outbox
    .command('retry <id>')
    .description('send a dead letter back to the dispatcher')
    .action(async (id: string) => {
      await withPersistence(async (p) => {
        const m = await p.outbox.retry(id);
        print(`${m.id} is ${m.state} again`);
      });
    });
}

export function registerAdminCommands(program: Command): void {
  registerKeys(program);
  registerProjections(program);
  registerOutbox(program);
}
