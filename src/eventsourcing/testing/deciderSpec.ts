/**
 * Given/when/then specifications for deciders, with no database:
 *   const spec = deciderSpec(paymentDecider);
 *   spec.given([requested]).when(capture).then([captured]);
 *   spec.given([requested, failed]).when(capture).thenThrows('PAY_CAPTURE_NOT_ALLOWED');
 * The chain is synchronous on purpose: do not `await` it (`then` would be taken for a promise's).
 */
import assert from 'node:assert/strict';

export interface SpecDecider<C, E, S> {
  initialState(): S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): E[];
}

export interface WhenClause<E, S> {
  /** Asserts the decided events, in order (deep equality). */
  then(expected: E[]): void;
  /** Asserts nothing to do: no events (e.g. a duplicate provider outcome). */
  thenNothing(): void;
  /** Asserts the decider throws an error carrying this stable `code`. */
  thenThrows(code: string): void;
  /** Asserts on the state after the decided events; returns it. */
  thenState(check: (state: S) => void): S;
}

export interface GivenClause<C, E, S> {
  when(command: C): WhenClause<E, S>;
}

export function deciderSpec<C, E, S>(decider: SpecDecider<C, E, S>) {
  const fold = (events: readonly E[]): S => events.reduce(decider.evolve, decider.initialState());
  return {
    given(events: readonly E[] = []): GivenClause<C, E, S> {
      return {
        when(command: C): WhenClause<E, S> {
          const state = fold(events);
          const run = () => decider.decide(command, state);
          return {
            // biome-ignore lint/suspicious/noThenProperty: given/when/then vocabulary; the chain is never awaited
            then(expected: E[]) {
              assert.deepStrictEqual(run(), expected);
            },
            thenNothing() {
              assert.deepStrictEqual(run(), []);
            },
            thenThrows(code: string) {
              assert.throws(run, (e: unknown) => {
                assert.equal((e as { code?: unknown }).code, code, `expected code ${code}, got ${String(e)}`);
                return true;
              });
            },
            thenState(check: (state: S) => void): S {
              const after = run().reduce(decider.evolve, state);
              check(after);
              return after;
            },
          };
        },
      };
    },
  };
}
