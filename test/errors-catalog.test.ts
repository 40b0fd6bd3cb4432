import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CATALOG } from '../src/shared/errorCatalog.js';

test('docs/errors.md lists exactly the codes of the catalog, with their status', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `(PAY_[A-Z_]+)` *\| *(\d{3}) *\|/gm)].map((m) => [m[1], Number(m[2])]);
  const documented = new Map(rows as [string, number][]);
  for (const [code, info] of Object.entries(ERROR_CATALOG)) {
    assert.equal(documented.get(code), info.status, `${code} documented with status ${info.status}`);
  }
  assert.equal(
    documented.size,
    Object.keys(ERROR_CATALOG).length,
    'no code documented that the catalog lacks',
  );
});
