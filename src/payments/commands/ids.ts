/** Public ids: a prefix plus a UUIDv7 without dashes (time-ordered, so newest-first lists sort by id). */
import { uuidv7Hex } from '../../shared/uuidv7.js';

export const newPaymentId = (): string => `pay_${uuidv7Hex()}`;
export const newRefundId = (): string => `re_${uuidv7Hex()}`;

const PAYMENT_ID = /^pay_[0-9a-f]{32}$/;
export const isPaymentId = (id: unknown): id is string => typeof id === 'string' && PAYMENT_ID.test(id);
