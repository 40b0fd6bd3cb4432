/**
 * `npm run bench`: every benchmark, one after the other (each in its own process so one's
 * warm-up never helps or hurts the next). Each prints its figures next to a baseline measured in
 * the same run; the machine is shared and noisy, so read ratios, not absolute numbers.
 * Pass names to run a subset: `npm run bench -- store queries`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const ALL = ['store', 'commands', 'queries', 'http', 'peers'];
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of wanted) {
  const file = `bench/${name}.ts`;
  if (!existsSync(file)) {
    console.error(`bench ${name}: no ${file}`);
    failed++;
    continue;
  }
  console.log(`\n=== bench:${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
