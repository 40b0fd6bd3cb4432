import { PaystreamError } from '../../shared/errors.js';
import type { OutboxState } from './outboxStore.js';

/** Only a dead letter can be retried by hand: a live message is still the dispatcher's. */
export class OutboxNotDeadError extends PaystreamError {
  constructor(id: string, state: OutboxState) {
    super('PAY_OUTBOX_NOT_DEAD', `outbox message ${id} is ${state}, not dead`, { id, state });
  }
}
