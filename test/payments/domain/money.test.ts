import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  assertSameCurrency,
  currencyExponent,
  formatMoney,
  MAX_AMOUNT,
  type Money,
  money,
  parseAmount,
  parseMoney,
  supportedCurrencies,
} from '../../../src/payments/domain/money.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('currencies', () => {
  test('exponents: 0 for the zero-decimal list, 3 for the three-decimal list, 2 otherwise', () => {
    for (const c of 'BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' ')) {
      assert.equal(currencyExponent(c), 0, c);
    }
    for (const c of 'BHD JOD KWD OMR TND'.split(' ')) assert.equal(currencyExponent(c), 3, c);
    for (const c of ['eur', 'USD', 'gbp', 'chf', 'sek']) assert.equal(currencyExponent(c), 2, c);
  });
  test('currency in either case is stored lower-case; unknown codes are PAY_INVALID_CURRENCY', () => {
    assert.deepEqual(money(100, 'EUR'), { amount: 100, currency: 'eur' });
    for (const bad of ['xyz', 'eu', 'euro', '', 42, null, 'xau']) {
      assert.equal(
        code(() => money(100, bad)),
        'PAY_INVALID_CURRENCY',
        String(bad),
      );
    }
  });
  test('different currencies are PAY_CURRENCY_MISMATCH', () => {
    assert.doesNotThrow(() => assertSameCurrency('eur', 'EUR'));
    assert.equal(
      code(() => assertSameCurrency('eur', 'usd')),
      'PAY_CURRENCY_MISMATCH',
    );
  });
});

describe('amount validation (Stripe rules)', () => {
  test('a positive safe integer of at most 99,999,999 minor units', () => {
    assert.deepEqual(money(1, 'usd'), { amount: 1, currency: 'usd' });
    assert.deepEqual(money(MAX_AMOUNT, 'usd'), { amount: 99_999_999, currency: 'usd' });
    for (const bad of [0, -5, 1.5, MAX_AMOUNT + 1, Number.NaN, Number.POSITIVE_INFINITY, '100', 2 ** 53]) {
      assert.equal(
        code(() => money(bad, 'usd')),
        'PAY_INVALID_AMOUNT',
        String(bad),
      );
    }
  });
  test('three-decimal currencies take multiples of 10 only', () => {
    assert.deepEqual(money(1230, 'KWD'), { amount: 1230, currency: 'kwd' });
    assert.equal(
      code(() => money(1235, 'kwd')),
      'PAY_INVALID_AMOUNT',
    );
  });
});

describe('parsing and formatting', () => {
  test('examples', () => {
    assert.deepEqual(parseMoney('12.34 EUR'), { amount: 1234, currency: 'eur' });
    assert.deepEqual(parseMoney('12.34 eur'), { amount: 1234, currency: 'eur' });
    assert.deepEqual(parseMoney('0.29 USD'), { amount: 29, currency: 'usd' });
    assert.deepEqual(parseMoney('12.340 EUR'), { amount: 1234, currency: 'eur' });
    assert.deepEqual(parseMoney('1200 JPY'), { amount: 1200, currency: 'jpy' });
    assert.deepEqual(parseMoney('1.23 KWD'), { amount: 1230, currency: 'kwd' });
    assert.deepEqual(parseMoney('999999.99 EUR'), { amount: MAX_AMOUNT, currency: 'eur' });
    assert.equal(formatMoney({ amount: 1234, currency: 'eur' }), '12.34 EUR');
    assert.equal(formatMoney({ amount: 5, currency: 'usd' }), '0.05 USD');
    assert.equal(formatMoney({ amount: 100, currency: 'jpy' }), '100 JPY');
    assert.equal(formatMoney({ amount: 1230, currency: 'kwd' }), '1.230 KWD');
  });
  test('rejected strings', () => {
    const bad = ['12.345 EUR', '12.5 JPY', '1.235 KWD', '0.00 EUR', '1000000.00 EUR', '-1 EUR', '1e3 EUR'];
    for (const s of [...bad, '12,34 EUR', '.5 EUR', '12. EUR', 'EUR', '12.34']) {
      assert.equal(
        code(() => parseMoney(s)),
        'PAY_INVALID_AMOUNT',
        s,
      );
    }
    assert.equal(
      code(() => parseMoney('12.34 XYZ')),
      'PAY_INVALID_CURRENCY',
    );
  });
  test('parseAmount takes the currency apart', () => {
    assert.deepEqual(parseAmount('0.07', 'GBP'), { amount: 7, currency: 'gbp' });
  });
});

const currencies = supportedCurrencies();
const arbMoney: fc.Arbitrary<Money> = fc
  .record({ currency: fc.constantFrom(...currencies), amount: fc.integer({ min: 1, max: MAX_AMOUNT }) })
  .map(({ currency, amount }) =>
    currencyExponent(currency) === 3
      ? { currency, amount: Math.max(10, amount - (amount % 10)) }
      : { currency, amount },
  );

describe('properties', () => {
  test('parse(format(m)) is m for every valid amount and currency', () => {
    fc.assert(fc.property(arbMoney, (m) => assert.deepEqual(parseMoney(formatMoney(m)), m)));
  });
  test('format(parse(x)) is x for canonical decimal strings', () => {
    const canonical = arbMoney.map((m) => formatMoney(m));
    fc.assert(fc.property(canonical, (x) => assert.equal(formatMoney(parseMoney(x)), x)));
  });
  test('parsing agrees with exact integer (BigInt) arithmetic, so no float rounding', () => {
    const arb = fc.record({
      whole: fc.integer({ min: 0, max: 999_999 }),
      frac: fc.integer({ min: 0, max: 99 }),
      currency: fc.constantFrom('eur', 'usd', 'gbp'),
    });
    fc.assert(
      fc.property(arb, ({ whole, frac, currency }) => {
        fc.pre(whole > 0 || frac > 0);
        const text = `${whole}.${String(frac).padStart(2, '0')} ${currency}`;
        const exact = BigInt(whole) * 100n + BigInt(frac);
        assert.equal(BigInt(parseMoney(text).amount), exact);
      }),
    );
  });
  test('the money module uses no float arithmetic on amounts', () => {
    const src = readFileSync(new URL('../../../src/payments/domain/money.ts', import.meta.url), 'utf8');
    assert.doesNotMatch(src, /parseFloat|toFixed|Math\.round|\*\s*10\b|\/\s*10\b/);
  });
});
