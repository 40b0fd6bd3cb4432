/**
 * The write side of the payment API (PaymentCommandService), on the generic command handler.
 * Input is validated before anything is written; ids are minted here (`pay_`/`re_` + UUIDv7).
 */
import { NotFoundError } from '../../shared/errors.js';
import type {
  CommandContext,
  CommandResult,
  CreatePaymentInput,
  PaymentCommandService,
} from '../services.js';
import { isPaymentId, newPaymentId, newRefundId } from './ids.js';
import {
  commandTime,
  type PaymentCommandDeps,
  type PaymentCommandOutcome,
  runPaymentCommand,
} from './runPaymentCommand.js';
import { validateCreatePayment, validateOptionalAmount, validateReason } from './validation.js';

export type { PaymentCommandDeps } from './runPaymentCommand.js';

function result(o: PaymentCommandOutcome): CommandResult {
  const r: CommandResult = {
    paymentId: o.paymentId,
    version: o.version,
    checkpoint: o.checkpoint,
    globalPosition: o.globalPosition,
    replayed: o.replayed,
  };
  if (o.refundId !== undefined) r.refundId = o.refundId;
  return r;
}

function assertPaymentId(paymentId: string): void {
  if (!isPaymentId(paymentId)) throw new NotFoundError('payment', String(paymentId));
}

export class EventSourcedPaymentCommandService implements PaymentCommandService {
  constructor(private readonly deps: PaymentCommandDeps) {}

  async createPayment(input: CreatePaymentInput, ctx: CommandContext): Promise<CommandResult> {
    const valid = validateCreatePayment(input);
    const paymentId = newPaymentId();
    // Spelled out rather than spread: properties after a spread are slow in V8 (Node 20).
    const command = {
      type: 'RequestPayment' as const,
      paymentId,
      amount: valid.amount,
      currency: valid.currency,
      paymentMethod: valid.paymentMethod,
      captureMethod: valid.captureMethod,
      customer: valid.customer,
      description: valid.description,
      metadata: valid.metadata,
      at: commandTime(this.deps),
    };
    const run = { paymentId, command, ctx, operation: 'create_payment', input: valid, hashPaymentId: null };
    return result(await runPaymentCommand(this.deps, run));
  }

  async capturePayment(
    paymentId: string,
    input: { amount?: number },
    ctx: CommandContext,
  ): Promise<CommandResult> {
    assertPaymentId(paymentId);
    const amount = validateOptionalAmount(input?.amount);
    const at = commandTime(this.deps);
    const command =
      amount === undefined
        ? { type: 'RequestCapture' as const, at }
        : { type: 'RequestCapture' as const, amount, at };
    const run = {
      paymentId,
      command,
      ctx,
      operation: 'capture_payment',
      input: { amount },
      hashPaymentId: paymentId,
    };
    return result(await runPaymentCommand(this.deps, run));
  }

  async cancelPayment(
    paymentId: string,
    input: { reason?: string | null },
    ctx: CommandContext,
  ): Promise<CommandResult> {
    assertPaymentId(paymentId);
    const reason = validateReason(input?.reason);
    const command = { type: 'RequestCancel' as const, reason, at: commandTime(this.deps) };
    const run = {
      paymentId,
      command,
      ctx,
      operation: 'cancel_payment',
      input: { reason },
      hashPaymentId: paymentId,
    };
    return result(await runPaymentCommand(this.deps, run));
  }

  async refundPayment(
    paymentId: string,
    input: { amount?: number; reason?: string | null },
    ctx: CommandContext,
  ): Promise<CommandResult> {
    assertPaymentId(paymentId);
    const amount = validateOptionalAmount(input?.amount);
    const reason = validateReason(input?.reason);
    const refundId = newRefundId();
    const at = commandTime(this.deps);
    const command = {
      type: 'RequestRefund' as const,
      refundId,
      reason,
      at,
      ...(amount === undefined ? {} : { amount }),
    };
    const hashed = { amount, reason };
    const run = {
      paymentId,
      command,
      ctx,
      operation: 'refund_payment',
      input: hashed,
      hashPaymentId: paymentId,
      refundId,
    };
    return result(await runPaymentCommand(this.deps, run));
  }
}

export function createPaymentCommandService(deps: PaymentCommandDeps): PaymentCommandService {
  return new EventSourcedPaymentCommandService(deps);
}
