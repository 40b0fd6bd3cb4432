/**
 * JSON bodies only (anything else is 415), parsed by Fastify's own parser (prototype-poisoning
 * safe); an empty body counts as none. Routes with `config.rawBody` also get the exact text in req.rawBody.
 */
import type { FastifyInstance } from 'fastify';

export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (req.routeOptions.config.rawBody) req.rawBody = text;
    // An empty body with a JSON type is "no body" (optional bodies), not malformed JSON.
    if (text.trim() === '') return done(null, undefined);
    parse(req, text, done);
  });
}
