// A clock for tests of waits in this process (the registry client's retries
// and timeouts): every timer set while it is installed is recorded, so a test
// asserts the waits the code asked for, by count and length, instead of
// timing them; and a timer of exactly `skipMs` fires on the next turn of the
// event loop instead of after its length. A test gives the code a wait
// nothing else uses (a Retry-After of 137 s), so that wait is what gets
// skipped, and the record proves it was asked for. Vitest keeps its own
// timers, and Node's modules theirs: neither goes through `globalThis`.
// skip-wait.ts does the same for the bundled action, in its own process.

export interface Timers {
  /** The length (ms) of each timer set since `recordTimers`, in order. */
  readonly lengths: number[]
  /** Puts the real `setTimeout` back. */
  restore(): void
}

/** Records every `setTimeout` from now on; one of exactly `skipMs` fires at once. */
export function recordTimers(skipMs?: number): Timers {
  const real = globalThis.setTimeout
  const lengths: number[] = []
  const recording = (
    callback: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ): NodeJS.Timeout => {
    lengths.push(ms ?? 0)
    return real(callback, ms === skipMs ? 0 : ms, ...args)
  }
  globalThis.setTimeout = recording as typeof setTimeout
  return {
    lengths,
    restore() {
      globalThis.setTimeout = real
    }
  }
}
