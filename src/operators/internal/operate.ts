import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';

/** What an operator does with its source's notifications; `complete` and `error` default to forwarding. */
export interface Handlers<A> {
  next(value: A): void;
  complete?(): void;
  error?(error: unknown): void;
  /** Releases the operator's state on completion, error or unsubscribe. */
  teardown?(): void;
}

/**
 * Builds an operator from per-subscription handlers: `init` runs once per subscription (so
 * all mutable state lives there), a throwing handler errors the output instead of escaping,
 * and teardown runs however the subscription ends.
 */
export function operate<A, B>(init: (subscriber: Subscriber<B>) => Handlers<A>): OperatorFunction<A, B> {
  return (source) =>
    new Observable<B>((subscriber) => {
      const handlers = init(subscriber);
      const guard =
        <T extends unknown[]>(fn: (...args: T) => void) =>
        (...args: T): void => {
          try {
            fn(...args);
          } catch (error) {
            subscriber.error(error);
          }
        };
      const subscription = source.subscribe({
        next: guard((value: A) => handlers.next(value)),
        error: guard((error: unknown) => (handlers.error ? handlers.error(error) : subscriber.error(error))),
        complete: guard(() => (handlers.complete ? handlers.complete() : subscriber.complete())),
      });
      return () => {
        subscription.unsubscribe();
        handlers.teardown?.();
      };
    });
}
