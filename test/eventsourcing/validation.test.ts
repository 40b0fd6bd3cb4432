import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareAppend, toJson, validateStreamId } from '../../src/eventsourcing/validation.js';
import { ValidationError } from '../../src/shared/errors.js';

const isValidation = (e: unknown) => e instanceof ValidationError && e.code === 'PAY_VALIDATION';

describe('validation', () => {
  it('rejects empty, over-long and control-character stream ids', () => {
    assert.throws(() => validateStreamId(''), isValidation);
    assert.throws(() => validateStreamId('x'.repeat(201)), isValidation);
    assert.throws(() => validateStreamId('a\nb'), isValidation);
    assert.throws(() => validateStreamId('a\u0085b'), isValidation);
    assert.equal(validateStreamId('x'.repeat(200)), 'x'.repeat(200));
    assert.equal(validateStreamId('zahlung-ü-🚀'), 'zahlung-ü-🚀');
  });

  it('rejects values JSON would change or drop', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [
      1n,
      () => 1,
      Symbol('s'),
      Number.NaN,
      Number.POSITIVE_INFINITY,
      { a: { b: 2n } },
      [1, undefined],
      new Map([[1, 2]]),
      cyclic,
      undefined,
    ]) {
      assert.throws(() => toJson(bad, 'data'), isValidation, String(typeof bad));
    }
  });

  it('accepts plain JSON, dates (as strings) and drops undefined properties', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    assert.equal(
      toJson({ a: 1, b: undefined, at, list: [null, 'x'] }, 'data'),
      '{"a":1,"at":"2026-01-01T00:00:00.000Z","list":[null,"x"]}',
    );
  });

  it('checks event shape, ids and options, and applies defaults', () => {
    assert.throws(() => prepareAppend('s', [{ type: '', data: {} }]), isValidation);
    assert.throws(() => prepareAppend('s', [{ type: 't'.repeat(201), data: {} }]), isValidation);
    assert.throws(() => prepareAppend('s', [{ data: {} } as never]), isValidation);
    assert.throws(() => prepareAppend('s', [{ type: 't', data: {}, schemaVersion: 0 }]), isValidation);
    assert.throws(() => prepareAppend('s', [{ type: 't', data: {}, schemaVersion: 1.5 }]), isValidation);
    assert.throws(() => prepareAppend('s', [{ type: 't', data: undefined }]), isValidation);
    assert.throws(() => prepareAppend('s', [{ type: 't', data: {}, id: 'not-a-uuid' }]), isValidation);
    assert.throws(() => prepareAppend('s', [{ type: 't', data: {}, metadata: { n: 1n } }]), isValidation);
    assert.throws(() => prepareAppend('s', [], { expectedVersion: -1 }), isValidation);
    assert.throws(() => prepareAppend('s', [], { expectedVersion: 'latest' as never }), isValidation);
    assert.throws(
      () => prepareAppend('s', [], { outbox: [{ kind: 'k', dedupKey: '', payload: {} }] }),
      isValidation,
    );
    const id = '0190f5a0-0000-7000-8000-000000000001';
    assert.throws(
      () =>
        prepareAppend('s', [
          { id, type: 't', data: 1 },
          { id, type: 't', data: 2 },
        ]),
      isValidation,
    );
    const p = prepareAppend('s', [
      { type: 't', data: { a: 1 } },
      { id, type: 'u', data: null },
    ]);
    assert.equal(p.expectedVersion, 'any');
    assert.equal(p.events[0]!.schemaVersion, 1);
    assert.equal(p.events[0]!.metadataJson, '{}');
    assert.equal(p.events[0]!.idGiven, false);
    assert.match(p.events[0]!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    assert.equal(p.events[1]!.id, id);
    assert.equal(p.events[1]!.idGiven, true);
  });
});
