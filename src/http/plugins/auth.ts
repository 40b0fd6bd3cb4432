/**
 * Authentication (`Authorization: Bearer psk_…`) and per-route scopes, as one onRequest hook that
 * runs before body parsing, so an unauthenticated caller costs no parse.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ApiKeys, hasScope } from '../../auth/keys.js';
import { HttpProblem } from '../problem.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="paystream"' };

function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

export interface AuthOptions {
  keys: ApiKeys;
  /** GET /metrics needs an admin key. */
  metricsAuth: boolean;
}

/** Routes of plugins we do not write (swagger-ui) get their scope here. */
export function markPublicRoutes(app: FastifyInstance, isPublic: (url: string) => boolean): void {
  app.addHook('onRoute', (route) => {
    if (isPublic(route.url ?? route.path)) route.config = { ...(route.config ?? {}), scope: 'public' };
  });
}

export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  app.addHook('onRequest', async (req) => {
    if (req.is404) return; // the not-found handler answers 404/405 without a key
    const needed = req.routeOptions.config.scope ?? 'admin';
    if (needed === 'public' && !(options.metricsAuth && req.routeOptions.url === '/metrics')) return;
    const presented = bearer(req);
    if (!presented) {
      throw new HttpProblem('PAY_UNAUTHENTICATED', 'send an API key as Authorization: Bearer <key>', {
        headers: CHALLENGE,
      });
    }
    const result = await options.keys.verify(presented);
    if (!result.ok) {
      // One answer for every failure: which part was wrong is of use only to an attacker.
      req.log.info({ reason: result.reason }, 'API key rejected');
      throw new HttpProblem('PAY_UNAUTHENTICATED', 'the API key is invalid or revoked', {
        headers: CHALLENGE,
      });
    }
    req.principal = result.principal;
    const scope = needed === 'public' ? 'admin' : needed;
    if (!hasScope(result.principal.scopes, scope)) {
      throw new HttpProblem('PAY_FORBIDDEN', `this API key lacks the ${scope} scope`);
    }
  });
}
