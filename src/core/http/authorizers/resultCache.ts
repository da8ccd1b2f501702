// API Gateway's authorizer result cache: one per authorizer, keyed by the values of its identity
// sources, each result kept for `authorizerResultTtlInSeconds`. A cached policy is evaluated again
// against each request's method ARN, so a result serves every route of the API that uses the
// authorizer (as API Gateway's does). Bounded: the oldest entries go first beyond the limit.

const MAX_ENTRIES = 10_000;

export class ResultCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + ttlSeconds * 1000 });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
