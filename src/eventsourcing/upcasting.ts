/**
 * Event schema versions: upcasters turn an event's `data` from one schema version to the next,
 * applied on read (command handler, projections), so stored history is never edited.
 * An upcaster registered for (type, n) takes data of version n and returns version n + 1;
 * the current version of a type is one above its highest upcaster (1 when it has none).
 */
import type { RecordedEvent } from './eventStore.js';

export type UpcastFn = (data: unknown, event: RecordedEvent) => unknown;

export class UpcasterRegistry {
  private readonly fns = new Map<string, UpcastFn>();
  private readonly current = new Map<string, number>();

  register(type: string, fromVersion: number, fn: UpcastFn): this {
    if (!Number.isInteger(fromVersion) || fromVersion < 1) {
      throw new RangeError(`fromVersion must be an integer >= 1, got ${fromVersion}`);
    }
    const key = `${type}@${fromVersion}`;
    if (this.fns.has(key)) throw new Error(`upcaster for ${type} v${fromVersion} already registered`);
    this.fns.set(key, fn);
    this.current.set(type, Math.max(this.currentVersion(type), fromVersion + 1));
    return this;
  }

  /** The schema version new events of `type` are written with. */
  currentVersion(type: string): number {
    return this.current.get(type) ?? 1;
  }

  /** The event in its current shape (the same object when it is current already). */
  upcast<T = unknown>(event: RecordedEvent): RecordedEvent<T> {
    const target = this.currentVersion(event.type);
    if (event.schemaVersion >= target) return event as RecordedEvent<T>;
    let data = event.data;
    for (let v = event.schemaVersion; v < target; v++) {
      const fn = this.fns.get(`${event.type}@${v}`);
      if (!fn) throw new Error(`no upcaster for ${event.type} v${v} (current v${target})`);
      data = fn(data, event);
    }
    return { ...event, data: data as T, schemaVersion: target };
  }

  upcastAll(events: RecordedEvent[]): RecordedEvent[] {
    return events.map((e) => this.upcast(e));
  }
}
