/** Request and response schemas of the payment routes (snake_case, Stripe-like). */
import { z } from 'zod';
import { MAX_METADATA_KEYS, RESERVED_METADATA_PREFIX } from '../../payments/domain/decide.js';
import { trustedResponse } from '../serializer.js';

const PAYMENT_STATUS = [
  'pending',
  'processing',
  'requires_capture',
  'succeeded',
  'failed',
  'canceled',
] as const;

export const PaymentIdSchema = z.string().min(1).max(100).describe('Payment id, pay_…');

export const RefundViewSchema = z.object({
  id: z.string(),
  amount: z.number().int(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  reason: z.string().nullable(),
  provider_refund_id: z.string().nullable(),
  failure_message: z.string().nullable(),
  created: z.string(),
});

export const PaymentViewSchema = trustedResponse(
  z
    .object({
      id: z.string(),
      object: z.literal('payment'),
      status: z.enum(PAYMENT_STATUS),
      amount: z.number().int(),
      amount_capturable: z.number().int(),
      amount_captured: z.number().int(),
      amount_refunded: z.number().int(),
      amount_net: z.number().int(),
      currency: z.string(),
      capture_method: z.enum(['automatic', 'manual']),
      payment_method: z.string(),
      customer: z.string().nullable(),
      description: z.string().nullable(),
      metadata: z.record(z.string(), z.string()),
      failure_code: z.string().nullable(),
      decline_code: z.string().nullable(),
      failure_message: z.string().nullable(),
      cancellation_reason: z.string().nullable(),
      refunds: z.array(RefundViewSchema),
      provider_payment_id: z.string().nullable(),
      created: z.string(),
      updated: z.string(),
      version: z.number().int().describe('Stream version; also the ETag'),
    })
    .meta({ id: 'Payment' }),
);

const Metadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= MAX_METADATA_KEYS, `at most ${MAX_METADATA_KEYS} keys`)
  .describe(
    `Up to ${MAX_METADATA_KEYS} string pairs (keys up to 40 characters, values up to 500); ` +
      `keys starting with ${RESERVED_METADATA_PREFIX} are reserved (the provider allows 50 and paystream adds one)`,
  );

export const CreatePaymentBody = z
  .object({
    amount: z.number().int().describe('Minor units (cents): 1000 = 10.00 USD'),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code')
      .describe('ISO 4217, e.g. usd'),
    payment_method: z.string().min(1).max(255).describe('Payment method token, e.g. pm_card_visa'),
    capture_method: z.enum(['automatic', 'manual']).optional().describe('Default automatic'),
    customer: z.string().min(1).max(255).nullable().optional(),
    description: z.string().max(1000).nullable().optional(),
    metadata: Metadata.optional(),
  })
  .strict();

export const CaptureBody = z
  .object({ amount: z.number().int().optional().describe('Default: the whole capturable amount') })
  .strict()
  .nullish();

export const CancelBody = z
  .object({ reason: z.string().max(255).nullable().optional() })
  .strict()
  .nullish();

export const RefundBody = z
  .object({
    amount: z.number().int().optional().describe('Default: everything still refundable'),
    reason: z.string().max(255).nullable().optional(),
  })
  .strict()
  .nullish();

export const PaymentParams = z.object({ id: PaymentIdSchema }).strict();

export const MIN_CHECKPOINT_DOC =
  'Read-your-writes: wait (bounded) until the read model has applied this checkpoint, as returned in Paystream-Checkpoint. Same as the Paystream-Min-Checkpoint header.';

export const GetPaymentQuery = z
  .object({
    as_of: z
      .string()
      .regex(/^(\d+|\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2}))$/, 'must be a version or an ISO 8601 time')
      .optional()
      .describe('Time travel: a stream version (e.g. 3) or an ISO 8601 time'),
    min_checkpoint: z.string().max(100).optional().describe(MIN_CHECKPOINT_DOC),
  })
  .strict();

const isoTime = z.iso.datetime({ offset: true });
const intParam = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a non-negative integer')
  .transform(Number);

export const ListPaymentsQuery = z
  .object({
    status: z.enum(PAYMENT_STATUS).optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/)
      .optional(),
    customer: z.string().min(1).max(255).optional(),
    created_gte: isoTime.optional(),
    created_lte: isoTime.optional(),
    amount_gte: intParam.optional(),
    amount_lte: intParam.optional(),
    limit: intParam.pipe(z.number().int().min(1).max(100)).optional().describe('1 to 100, default 10'),
    starting_after: PaymentIdSchema.optional().describe('Cursor: the last id of the previous page'),
    min_checkpoint: z.string().max(100).optional().describe(MIN_CHECKPOINT_DOC),
  })
  .strict();

/** Views of our read model (PaymentView, PaymentList): see serializer.ts for what trusted means. */
export const PaymentListSchema = trustedResponse(
  z.object({ data: z.array(PaymentViewSchema), has_more: z.boolean() }),
);

export const AuditEntrySchema = z.object({
  id: z.string(),
  type: z.string(),
  schema_version: z.number().int(),
  stream_version: z.number().int(),
  global_position: z.number().int(),
  data: z.unknown(),
  metadata: z.record(z.string(), z.unknown()),
  recorded_at: z.string(),
});

export const AuditListSchema = z.object({ data: z.array(AuditEntrySchema) });

/** Routes without query parameters still reject unknown ones. */
export const EmptyQuery = z.object({}).strict();
