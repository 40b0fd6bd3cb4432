import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeForm } from '../../src/simulator/form.js';

describe('decodeForm (Stripe form encoding)', () => {
  it('expands bracketed keys into nested objects', () => {
    const v = decodeForm('amount=100&metadata[order]=o%201&metadata[a%26b]=x%3Dy&created[gte]=5');
    assert.deepEqual(
      { ...v, metadata: { ...(v.metadata as object) }, created: { ...(v.created as object) } },
      {
        amount: '100',
        metadata: { order: 'o 1', 'a&b': 'x=y' },
        created: { gte: '5' },
      },
    );
  });

  it('turns indexed and empty-bracket keys into arrays', () => {
    assert.deepEqual(decodeForm('expand[0]=a&expand[1]=b').expand, ['a', 'b']);
    assert.deepEqual(decodeForm('types[]=x&types[]=y').types, ['x', 'y']);
  });

  it('ignores keys that would reach the prototype', () => {
    const v = decodeForm('__proto__[polluted]=1&metadata[__proto__]=2&a=1');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(v.a, '1');
    assert.equal(Object.keys(v).includes('__proto__'), false);
  });
});
