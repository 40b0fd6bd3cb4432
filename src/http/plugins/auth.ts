/**
 * Authentication (`Authorization: Bearer psk_…`) and per-route scopes, as one onRequest hook that
 * runs before body parsing, so an unauthenticated caller costs no parse.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ApiKeys, hasScope, type Scope, type VerifyResult } from '../../auth/keys.js';
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
  /** Applies a verdict: an HttpProblem to answer, or undefined with req.principal set. */
  const decide = (req: FastifyRequest, result: VerifyResult, scope: Scope): HttpProblem | undefined => {
    if (!result.ok) {
      // One answer for every failure: which part was wrong is of use only to an attacker.
      req.log.info({ reason: result.reason }, 'API key rejected');
      return new HttpProblem('PAY_UNAUTHENTICATED', 'the API key is invalid or revoked', {
        headers: CHALLENGE,
      });
    }
    req.principal = result.principal;
    if (!hasScope(result.principal.scopes, scope)) {
      return new HttpProblem('PAY_FORBIDDEN', `this API key lacks the ${scope} scope`);
    }
    return undefined;
  };
  // Callback style: with the key's row cached (the usual case) the verdict is synchronous and
  // the request pays no promise; only a cache miss waits for the store.
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.is404) return done(); // the not-found handler answers 404/405 without a key
    const needed = req.routeOptions.config.scope ?? 'admin';
    if (needed === 'public' && !(options.metricsAuth && req.routeOptions.url === '/metrics')) return done();
    const presented = bearer(req);
    if (!presented) {
      return done(
        new HttpProblem('PAY_UNAUTHENTICATED', 'send an API key as Authorization: Bearer <key>', {
          headers: CHALLENGE,
        }),
      );
    }
    const scope = needed === 'public' ? 'admin' : needed;
    const cached = options.keys.verifyCached(presented);
    if (cached) return done(decide(req, cached, scope));
    options.keys.verify(presented).then(
      (result) => done(decide(req, result, scope)),
      (err: Error) => done(err),
    );
  });
}
