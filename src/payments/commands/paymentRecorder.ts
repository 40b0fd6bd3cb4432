/**
 * Recording provider outcomes as commands (dispatcher, webhooks, reconciliation), through the
 * same handler as the API: conflicts retry, and an outcome already recorded writes nothing
 * (`eventTypes` is then empty), so duplicates and retries are harmless. An outcome that
 * contradicts a terminal state throws PAY_INVALID_TRANSITION. ctx.actor is a 'system:…' actor.
 */
import type {
  CorrectFromProvider,
  PaymentCommand,
  RecordAuthorization,
  RecordCancellation,
  RecordCancelRejection,
  RecordCapture,
  RecordCaptureRejection,
  RecordFailure,
  RecordRefundFailed,
  RecordRefundSucceeded,
  RecordSubmission,
} from '../domain/commands.js';
import type { CommandContext } from '../services.js';
import {
  commandTime,
  type PaymentCommandDeps,
  type PaymentCommandOutcome,
  runPaymentCommand,
} from './runPaymentCommand.js';

/** A command's values without its type; `at` defaults to now. */
type Values<C extends PaymentCommand> = Omit<C, 'type' | 'at'> & { at?: string };

export class PaymentRecorder {
  constructor(private readonly deps: PaymentCommandDeps) {}

  private record<C extends PaymentCommand>(
    type: C['type'],
    paymentId: string,
    values: Values<C>,
    ctx: CommandContext,
  ): Promise<PaymentCommandOutcome> {
    const command = { ...values, type, at: values.at ?? commandTime(this.deps) } as PaymentCommand;
    const run = { paymentId, command, ctx, operation: type, input: command, hashPaymentId: paymentId };
    return runPaymentCommand(this.deps, run);
  }

  recordSubmission(paymentId: string, v: Values<RecordSubmission>, ctx: CommandContext) {
    return this.record<RecordSubmission>('RecordSubmission', paymentId, v, ctx);
  }
  recordAuthorization(paymentId: string, v: Values<RecordAuthorization>, ctx: CommandContext) {
    return this.record<RecordAuthorization>('RecordAuthorization', paymentId, v, ctx);
  }
  recordCapture(paymentId: string, v: Values<RecordCapture>, ctx: CommandContext) {
    return this.record<RecordCapture>('RecordCapture', paymentId, v, ctx);
  }
  recordFailure(paymentId: string, v: Values<RecordFailure>, ctx: CommandContext) {
    return this.record<RecordFailure>('RecordFailure', paymentId, v, ctx);
  }
  recordCancellation(paymentId: string, v: Values<RecordCancellation>, ctx: CommandContext) {
    return this.record<RecordCancellation>('RecordCancellation', paymentId, v, ctx);
  }
  recordCaptureRejection(paymentId: string, v: Values<RecordCaptureRejection>, ctx: CommandContext) {
    return this.record<RecordCaptureRejection>('RecordCaptureRejection', paymentId, v, ctx);
  }
  recordCancelRejection(paymentId: string, v: Values<RecordCancelRejection>, ctx: CommandContext) {
    return this.record<RecordCancelRejection>('RecordCancelRejection', paymentId, v, ctx);
  }
  recordRefundSucceeded(paymentId: string, v: Values<RecordRefundSucceeded>, ctx: CommandContext) {
    return this.record<RecordRefundSucceeded>('RecordRefundSucceeded', paymentId, v, ctx);
  }
  recordRefundFailed(paymentId: string, v: Values<RecordRefundFailed>, ctx: CommandContext) {
    return this.record<RecordRefundFailed>('RecordRefundFailed', paymentId, v, ctx);
  }
  correctFromProvider(paymentId: string, v: Values<CorrectFromProvider>, ctx: CommandContext) {
    return this.record<CorrectFromProvider>('CorrectFromProvider', paymentId, v, ctx);
  }
}
