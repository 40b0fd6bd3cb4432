import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { createLogger, scrubSecrets } from '../../src/observability/logger.js';

function capture(level: 'info' | 'debug' = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return {
    logger: createLogger({ level, destination }),
    lines,
    parsed: () => lines.map((l) => JSON.parse(l)),
  };
}

describe('createLogger', () => {
  test('sensitive fields are censored at any depth, whatever their value', () => {
    const { logger, parsed } = capture();
    logger.info({
      req: {
        headers: { Authorization: 'token-without-prefix', 'Stripe-Signature': 't=1,v1=abc', host: 'x' },
      },
      deep: { a: { b: { api_key: 'plain', webhookSecret: 'plain2', password: 'hunter2' } } },
      body: { payment_method: 'pm_card_visa', amount: 10 },
    });
    const [line] = parsed();
    assert.deepEqual(line.req.headers, {
      Authorization: '[redacted]',
      'Stripe-Signature': '[redacted]',
      host: 'x',
    });
    assert.deepEqual(line.deep.a.b, {
      api_key: '[redacted]',
      webhookSecret: '[redacted]',
      password: '[redacted]',
    });
    assert.deepEqual(line.body, { payment_method: '[redacted]', amount: 10 });
  });

  test('secret-shaped strings are masked in messages, fields, child bindings and errors', () => {
    const { logger, lines } = capture();
    const key = `psk_${'1'.repeat(16)}_${'f'.repeat(64)}`;
    const child = logger.child({ note: `called with ${key}` });
    child.info(
      { text: 'card 4111 1111 1111 1111 and sk_live_abcdef123' },
      `using whsec_abc123 and Bearer ${key}`,
    );
    child.error({ err: new Error('failed for 5555555555554444 at postgres://app:pw123@db/x') }, 'boom');
    const all = lines.join('');
    for (const secret of [
      key,
      '4111 1111 1111 1111',
      'sk_live_abcdef123',
      'whsec_abc123',
      '5555555555554444',
      'pw123',
    ]) {
      assert.ok(!all.includes(secret), `${secret} masked`);
    }
    const err = JSON.parse(lines[1]!).err;
    assert.equal(err.type, 'Error');
    assert.match(err.message, /\[redacted-pan\]/);
  });

  test('ordinary values pass untouched (hex ids with long digit runs, times, short numbers)', () => {
    const { logger, parsed } = capture();
    const fields = {
      payment_id: 'pay_01a21eba0449750488019043c2e3f1cd',
      request_id: '4f4d4574-8b54-4eaf-8f05-96f55a5a70ca',
      amount: 1234,
    };
    logger.info(fields, 'created');
    const [line] = parsed();
    assert.deepEqual(
      [line.payment_id, line.request_id, line.amount, line.msg],
      [...Object.values(fields), 'created'],
    );
  });

  test('the level comes from the options', () => {
    const { logger, lines } = capture('info');
    logger.debug('hidden');
    logger.info('shown');
    assert.equal(lines.length, 1);
    assert.equal(capture('debug').logger.level, 'debug');
  });
});

test('scrubSecrets leaves a 12-digit number alone and masks a 13-digit one', () => {
  assert.equal(scrubSecrets('order 123456789012'), 'order 123456789012');
  assert.equal(scrubSecrets('pan 1234567890123'), 'pan [redacted-pan]');
});

test('scrubSecrets masks URL passwords, with or without a user name', () => {
  assert.equal(scrubSecrets('redis://:s3cret@redis:6379'), 'redis://:[redacted]@redis:6379');
  assert.equal(scrubSecrets('postgres://app:s3cret@db/pay'), 'postgres://app:[redacted]@db/pay');
  assert.equal(scrubSecrets('http://127.0.0.1:3000/v1'), 'http://127.0.0.1:3000/v1');
});
