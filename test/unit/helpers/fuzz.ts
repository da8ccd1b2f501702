// Shared by the fuzz tests and the tests of pathological inputs.

/** mulberry32: a small deterministic PRNG (a seed replays a run). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Node's default `Error.stackTraceLimit` (10) while a suite runs, as in the CLI and the language
 * server: mocha sets Infinity, and then every error the yaml library creates deep in its recursion
 * (a stack overflow it catches, thousands of syntax errors) captures thousands of frames, which is
 * what timings would measure. Call inside a `describe`.
 */
export function withNodeStackTraceLimit(): void {
  let saved: number;
  before(() => {
    saved = Error.stackTraceLimit;
    Error.stackTraceLimit = 10;
  });
  after(() => {
    Error.stackTraceLimit = saved;
  });
}
