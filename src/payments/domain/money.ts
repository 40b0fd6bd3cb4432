/**
 * Money: an integer amount in minor units plus an ISO 4217 currency, stored lower-case.
 * Decimal strings are parsed and formatted with string arithmetic only: no float is ever built.
 * Validation follows Stripe: a positive safe integer of at most 99,999,999 minor units, and
 * for three-decimal currencies a multiple of 10 (the last digit cannot be settled).
 */
import { PaystreamError } from '../../shared/errors.js';

export interface Money {
  /** Minor units (cents for EUR, yen for JPY, fils for KWD). */
  amount: number;
  /** ISO 4217, lower-case. */
  currency: string;
}

export const MAX_AMOUNT = 99_999_999;

const ZERO_DECIMAL = new Set('bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '));
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));

// Active ISO 4217 codes for money (precious metals, fund and testing codes left out).
const ISO_4217 = new Set(
  (
    'aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd btn bwp ' +
    'byn bzd cad cdf chf clp cny cop crc cuc cup cve czk djf dkk dop dzd egp ern etb eur fjd fkp ' +
    'gbp gel ghs gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr iqd irr isk jmd jod jpy kes kgs ' +
    'khr kmf kpw krw kwd kyd kzt lak lbp lkr lrd lsl lyd mad mdl mga mkd mmk mnt mop mru mur mvr ' +
    'mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf ' +
    'sar sbd scr sdg sek sgd shp sle sll sos srd ssp stn svc syp szl thb tjs tmt tnd top try ttd ' +
    'twd tzs uah ugx usd uyu uzs ved ves vnd vuv wst xaf xcd xcg xof xpf yer zar zmw zwg zwl'
  ).split(' '),
);

export class InvalidAmountError extends PaystreamError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('PAY_INVALID_AMOUNT', message, details);
  }
}

export class InvalidCurrencyError extends PaystreamError {
  constructor(currency: unknown) {
    super('PAY_INVALID_CURRENCY', `invalid currency ${JSON.stringify(currency)}`, { currency });
  }
}

export class CurrencyMismatchError extends PaystreamError {
  constructor(expected: string, actual: string) {
    super('PAY_CURRENCY_MISMATCH', `currency ${actual} does not match ${expected}`, { expected, actual });
  }
}

/** Lower-cases and checks against ISO 4217; throws PAY_INVALID_CURRENCY. */
export function normalizeCurrency(currency: unknown): string {
  if (typeof currency !== 'string') throw new InvalidCurrencyError(currency);
  const c = currency.toLowerCase();
  if (!ISO_4217.has(c)) throw new InvalidCurrencyError(currency);
  return c;
}

/** Every accepted currency, lower-case. */
export function supportedCurrencies(): string[] {
  return [...ISO_4217];
}

export function isCurrency(currency: unknown): boolean {
  return typeof currency === 'string' && ISO_4217.has(currency.toLowerCase());
}

/** Digits after the decimal point: 0, 2 or 3. */
export function currencyExponent(currency: string): number {
  const c = normalizeCurrency(currency);
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

/** Throws PAY_INVALID_AMOUNT unless `amount` is a valid charge amount in `currency`. */
export function assertValidAmount(amount: unknown, currency: string): asserts amount is number {
  const c = normalizeCurrency(currency);
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new InvalidAmountError('amount must be a positive integer in minor units', { amount });
  }
  if (amount > MAX_AMOUNT) {
    throw new InvalidAmountError(`amount must be at most ${MAX_AMOUNT}`, { amount, max: MAX_AMOUNT });
  }
  if (THREE_DECIMAL.has(c) && amount % 10 !== 0) {
    throw new InvalidAmountError(`amounts in ${c} must be a multiple of 10`, { amount, currency: c });
  }
}

/** A validated Money; currency in either case, stored lower-case. */
export function money(amount: unknown, currency: unknown): Money {
  const c = normalizeCurrency(currency);
  assertValidAmount(amount, c);
  return { amount, currency: c };
}

export function assertSameCurrency(expected: string, actual: string): void {
  if (expected.toLowerCase() !== actual.toLowerCase()) throw new CurrencyMismatchError(expected, actual);
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** "12.34" in eur → 1234. Extra fraction digits are accepted only when they are zeros (exact). */
export function parseAmount(decimal: string, currency: string): Money {
  const c = normalizeCurrency(currency);
  const m = DECIMAL.exec(decimal.trim());
  if (!m) throw new InvalidAmountError(`not a decimal amount: ${JSON.stringify(decimal)}`, { decimal });
  const exp = currencyExponent(c);
  const whole = m[1] ?? '';
  const frac = m[2] ?? '';
  if (frac.length > exp && /[^0]/.test(frac.slice(exp))) {
    throw new InvalidAmountError(`${c} has ${exp} decimal places`, { decimal, currency: c });
  }
  const minor = (whole + frac.slice(0, exp).padEnd(exp, '0')).replace(/^0+(?=\d)/, '');
  // Length check before Number(): a digit string this short is always an exact integer.
  if (minor.length > String(MAX_AMOUNT).length) {
    throw new InvalidAmountError(`amount must be at most ${MAX_AMOUNT}`, { decimal });
  }
  return money(Number(minor), c);
}

/** "12.34 EUR" (or "12.34 eur") → { amount: 1234, currency: 'eur' }. */
export function parseMoney(text: string): Money {
  const m = /^\s*(\S+)\s+([A-Za-z]{3})\s*$/.exec(text);
  if (!m) throw new InvalidAmountError(`expected "<decimal> <currency>": ${JSON.stringify(text)}`);
  return parseAmount(m[1] ?? '', m[2] ?? '');
}

/** 1234 eur → "12.34". */
export function formatAmount(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new InvalidAmountError('amount must be a non-negative integer', { amount });
  }
  const exp = currencyExponent(currency);
  if (exp === 0) return String(amount);
  const digits = String(amount).padStart(exp + 1, '0');
  return `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

/** { amount: 1234, currency: 'eur' } → "12.34 EUR". */
export function formatMoney(m: Money): string {
  return `${formatAmount(m.amount, m.currency)} ${m.currency.toUpperCase()}`;
}
