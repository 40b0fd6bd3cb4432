/** Stripe's webhook signature: `t=<unix>,v1=<hex HMAC-SHA256("<t>.<payload>", secret)>`. */
import { createHmac } from 'node:crypto';

export function computeSignature(payload: string, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
}

export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${computeSignature(payload, secret, timestamp)}`;
}
