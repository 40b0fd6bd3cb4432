/** Public ids: a prefix plus a UUIDv7 without dashes (time-ordered, so newest-first lists sort by id). */
import { v7 as uuidv7 } from 'uuid';

const hex = () => uuidv7().replaceAll('-', '');

export const newPaymentId = (): string => `pay_${hex()}`;
export const newRefundId = (): string => `re_${hex()}`;

const PAYMENT_ID = /^pay_[0-9a-f]{32}$/;
export const isPaymentId = (id: unknown): id is string => typeof id === 'string' && PAYMENT_ID.test(id);
