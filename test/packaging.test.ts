/**
 * Static checks of the container packaging (no Docker engine here): the Dockerfile's stages,
 * the compose services, and that every PAYSTREAM_* variable they use exists in the config schema.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { listSettings } from '../src/config/index.js';
import { argsOf, parseDockerfile, type Stage } from './packaging/dockerfile.js';
import { parseYaml, type Yaml } from './packaging/miniYaml.js';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

const stages = parseDockerfile(read('Dockerfile'));
const runtime = stages.at(-1)!;
const stageNamed = (name: string): Stage => {
  const stage = stages.find((s) => s.name === name);
  assert.ok(stage, `stage ${name} exists`);
  return stage;
};
/** The stage (by name) that `COPY --from=<stage> <path>` in the runtime stage copies from. */
const copiedFrom = (path: string): Stage => {
  const copy = argsOf(runtime, 'COPY').find((a) => a.includes(path) && a.startsWith('--from='));
  assert.ok(copy, `runtime copies ${path} from another stage`);
  return stageNamed(/^--from=(\S+)/.exec(copy)![1]!);
};
/** RUN lines of a stage and the stages it is built FROM, base first. */
const runsOf = (stage: Stage): string[] => {
  const parent = stages.find((s) => s.name === stage.from);
  return [...(parent ? runsOf(parent) : []), ...argsOf(stage, 'RUN')];
};

describe('Dockerfile', () => {
  it('is multi-stage on node:20-bookworm-slim', () => {
    assert.ok(stages.length >= 2, `${stages.length} stages`);
    assert.equal(stages[0]!.from, 'node:20-bookworm-slim');
    const names = new Set(stages.map((s) => s.name));
    for (const s of stages)
      assert.ok(s.from === 'node:20-bookworm-slim' || names.has(s.from), `${s.from} is known`);
  });

  it('builds with npm ci and npm run build, and the runtime takes dist/ from that stage', () => {
    const runs = runsOf(copiedFrom('/app/dist'));
    assert.ok(
      runs.some((r) => /\bnpm ci\b(?!.*--omit)/.test(r)),
      'build stage installs all dependencies',
    );
    assert.ok(
      runs.some((r) => /\bnpm run build\b/.test(r)),
      'build stage runs npm run build',
    );
  });

  it('runs with production dependencies only', () => {
    const deps = runsOf(copiedFrom('/app/node_modules'));
    assert.ok(
      deps.some((r) => /\bnpm ci --omit=dev\b/.test(r)),
      'node_modules installed with --omit=dev',
    );
    const runtimeRuns = argsOf(runtime, 'RUN').join('\n');
    assert.doesNotMatch(runtimeRuns, /\bnpm (ci|install)\b/, 'nothing installed in the runtime stage itself');
    const ownCopies = argsOf(runtime, 'COPY').filter((a) => !a.startsWith('--from'));
    assert.ok(
      !ownCopies.some((a) => /(^|\s)(src|\.)\s/.test(`${a} `)),
      'runtime copies no sources from the context',
    );
  });

  it('runs as a non-root user, in production mode, on port 3000, with the serve command', () => {
    const users = argsOf(runtime, 'USER');
    assert.ok(users.length > 0, 'USER set in the runtime stage');
    assert.ok(!['root', '0', '0:0'].includes(users.at(-1)!), `runs as ${users.at(-1)}`);
    assert.ok(argsOf(runtime, 'ENV').some((e) => /(^|\s)NODE_ENV=production(\s|$)/.test(e)));
    assert.deepEqual(argsOf(runtime, 'EXPOSE'), ['3000']);
    assert.deepEqual(JSON.parse(argsOf(runtime, 'CMD').at(-1)!), ['node', 'dist/cli/bin.js', 'serve']);
  });

  it('has a HEALTHCHECK on /healthz that needs no curl', () => {
    const [check] = argsOf(runtime, 'HEALTHCHECK');
    assert.ok(check, 'HEALTHCHECK present');
    const cmd = JSON.parse(check.slice(check.indexOf('CMD') + 3).trim()) as string[];
    assert.equal(cmd[0], 'node');
    assert.match(cmd.join(' '), /fetch\(.*\/healthz/);
    assert.doesNotMatch(check, /curl|wget/);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const must of ['node_modules', 'dist', '.git', '.env', 'deploy/compose.env']) {
      assert.ok(ignored.includes(must), `${must} is dockerignored`);
    }
    const sources = stages
      .flatMap((s) => argsOf(s, 'COPY'))
      .filter((a) => !a.startsWith('--from'))
      .flatMap((a) => a.split(/\s+/).slice(0, -1));
    assert.ok(sources.length > 0, 'the build copies sources');
    for (const src of sources) {
      assert.ok(existsSync(new URL(src, root)), `${src} exists`);
      assert.ok(!ignored.includes(src), `${src} is not dockerignored`);
    }
  });
});

type Map_ = { [key: string]: Yaml };
const asMap = (v: Yaml | undefined, what: string): Map_ => {
  assert.ok(v && typeof v === 'object' && !Array.isArray(v), `${what} is a mapping`);
  return v;
};

const compose = asMap(parseYaml(read('compose.yaml')), 'compose.yaml');
const services = asMap(compose.services, 'services');
const service = (name: string) => asMap(services[name], `service ${name}`);
const env = (name: string) => asMap(service(name).environment ?? {}, `${name}.environment`);
const knownEnv = new Set(listSettings().flatMap((s) => [s.env, ...(s.aliases ?? [])]));
knownEnv.add('PAYSTREAM_CONFIG_FILE');

describe('compose.yaml', () => {
  it('runs postgres 15, redis 7 and nats with JetStream', () => {
    assert.match(String(service('postgres').image), /^postgres:15(\b|-)/);
    assert.match(String(service('redis').image), /^redis:7(\b|-)/);
    assert.match(String(service('nats').image), /^nats:/);
    assert.ok((service('nats').command as string[]).includes('-js'), 'nats runs with -js');
  });

  it('runs two API replicas and one worker, both `serve` on PostgreSQL and Redis', () => {
    assert.equal(asMap(service('api').deploy, 'api.deploy').replicas, '2');
    for (const [name, role] of [
      ['api', 'api'],
      ['worker', 'worker'],
    ] as const) {
      assert.deepEqual(service(name).command, ['node', 'dist/cli/bin.js', 'serve']);
      assert.equal(env(name).PAYSTREAM_ROLE, role);
      assert.equal(env(name).PAYSTREAM_STORE, 'postgres');
      assert.equal(env(name).PAYSTREAM_CACHE, 'redis');
      assert.deepEqual(service(name).env_file, ['deploy/compose.env']);
    }
    assert.equal(asMap(service('worker').deploy ?? {}, 'worker.deploy').replicas ?? '1', '1');
  });

  it('runs one standalone simulator that the split roles reach (they cannot embed it)', () => {
    const cmd = service('simulator').command as string[];
    assert.deepEqual(cmd.slice(0, 3), ['node', 'dist/cli/bin.js', 'simulator']);
    assert.equal(cmd[cmd.indexOf('--webhook-url') + 1], 'http://api:3000/webhooks/stripe');
    const example = read('deploy/compose.env.example');
    assert.match(example, /^PAYSTREAM_SIMULATOR_EMBEDDED=false$/m);
    assert.match(example, /^PAYSTREAM_STRIPE_HOST=simulator$/m);
    assert.match(example, /^PAYSTREAM_WEBHOOK_SECRET=/m);
  });

  it('gives every long-running service a healthcheck and waits on it', () => {
    for (const [name, def] of Object.entries(services)) {
      const health = asMap(asMap(def, name).healthcheck, `${name}.healthcheck`);
      if (name === 'migrate') continue;
      assert.ok(Array.isArray(health.test) && health.test.length > 1, `${name} has a healthcheck test`);
    }
    for (const name of ['api', 'worker']) {
      const deps = asMap(service(name).depends_on, `${name}.depends_on`);
      for (const dep of ['postgres', 'redis', 'nats', 'simulator']) {
        assert.equal(asMap(deps[dep], `${name} → ${dep}`).condition, 'service_healthy');
      }
      assert.equal(asMap(deps.migrate, `${name} → migrate`).condition, 'service_completed_successfully');
    }
  });

  it('keeps secrets out of compose.yaml: they come from the env file', () => {
    const secret = new Set(
      listSettings()
        .filter((s) => s.secret)
        .map((s) => s.env),
    );
    assert.ok(
      secret.has('PAYSTREAM_DATABASE_URL') && secret.has('PAYSTREAM_REDIS_URL'),
      'URLs are secret settings',
    );
    for (const [name, def] of Object.entries(services)) {
      for (const key of Object.keys(asMap(asMap(def, name).environment ?? {}, `${name}.environment`))) {
        assert.ok(!secret.has(key) && !/PASSWORD|SECRET|API_KEY/.test(key), `${name} sets ${key} inline`);
      }
    }
    const example = read('deploy/compose.env.example');
    for (const key of [
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
      'PAYSTREAM_DATABASE_URL',
      'PAYSTREAM_REDIS_URL',
    ]) {
      assert.match(example, new RegExp(`^${key}=`, 'm'));
    }
  });

  it('uses only PAYSTREAM_* variables that the config schema (and .env.example) defines', () => {
    const used = new Set(
      [read('compose.yaml'), read('deploy/compose.env.example'), read('Dockerfile')].flatMap((t) =>
        [...t.matchAll(/\bPAYSTREAM_[A-Z0-9_]+/g)].map((m) => m[0]),
      ),
    );
    assert.ok(used.size >= 6, `found ${[...used].join(', ')}`);
    const envExample = existsSync(new URL('.env.example', root)) ? read('.env.example') : undefined;
    for (const name of used) {
      assert.ok(knownEnv.has(name), `${name} is a config setting`);
      if (envExample) assert.match(envExample, new RegExp(`^#? ?${name}=`, 'm'), `${name} in .env.example`);
    }
  });
});
