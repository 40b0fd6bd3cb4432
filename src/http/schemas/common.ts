/** Schemas shared by every route group: the problem+json body and small helpers. */
import { z } from 'zod';

/** RFC 9457 problem details, with paystream's stable `code`. */
export const ProblemSchema = z
  .object({
    type: z.string().describe('urn:paystream:error:<code>'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('urn:paystream:request:<request id>'),
    code: z.string().describe('Stable error code, see docs/errors.md'),
    request_id: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string(), code: z.string() }))
      .optional()
      .describe('Validation details, one per invalid field'),
  })
  .meta({ id: 'Problem' });

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request or malformed JSON',
  401: 'Missing or invalid API key',
  403: 'API key lacks the scope',
  404: 'Not found',
  409: 'Conflict with the current state',
  412: 'If-Match does not match the current version',
  413: 'Body too large',
  415: 'Unsupported media type',
  422: 'Idempotency-Key reused with another request',
  429: 'Rate limited',
  503: 'Not ready',
};

/** Response entries for the given error statuses, for the OpenAPI document. */
export function problemResponses(...statuses: number[]): Record<number, typeof ProblemSchema> {
  const out: Record<number, typeof ProblemSchema> = {};
  for (const s of statuses) out[s] = ProblemSchema.describe(STATUS_TEXT[s] ?? 'Error');
  return out;
}

/** Errors every authenticated route can answer. */
export const AUTH_ERRORS = [400, 401, 403, 429] as const;
