// Work side by side, shown in order: the mirror's copies (a copy mostly
// waits on a registry or a `helm push`) and the preview's renders (one
// `helm template` leaves a core idle), issue #27. At most `limit` run at
// once, so at most that many blobs, packages or renders are held at a time.
// Each item's log is collected and shown, with its result, in the order the
// items were given, as soon as it and every one before it are done: the log,
// the outputs and the summary read as they did when items ran one by one.
// Pure: no I/O of its own (the caller's `show` prints).

/** What became of one item's work: its value, or what it threw. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown }

/**
 * Runs `work` over `items`, at most `limit` at once, each with a log of its
 * own, and calls `show` once per item that ran, in the items' order, as soon
 * as that item and every one before it are done. After a failure no new item
 * starts; the ones running finish and are shown, then the failure of the
 * earliest item is thrown. Returns the values in the items' order.
 */
export async function inOrder<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, log: string[]) => Promise<R>,
  show: (item: T, log: readonly string[], outcome: Outcome<R>) => void
): Promise<R[]> {
  if (!(limit >= 1)) throw new RangeError(`limit must be 1 or more: ${limit}`)
  const logs = items.map((): string[] => [])
  const outcomes: Outcome<R>[] = []
  let next = 0
  let shown = 0
  let failed = false
  // Items start in order, so the ones that ran are always a prefix.
  const showReady = (): void => {
    for (; shown < next && outcomes[shown]; shown++)
      show(items[shown], logs[shown], outcomes[shown])
  }
  async function worker(): Promise<void> {
    while (!failed && next < items.length) {
      const index = next++
      try {
        outcomes[index] = {
          ok: true,
          value: await work(items[index], logs[index])
        }
      } catch (error) {
        outcomes[index] = { ok: false, error }
        failed = true
      }
      showReady()
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker)
  )
  const failure = outcomes.find(outcome => !outcome.ok)
  if (failure && !failure.ok) throw failure.error
  return outcomes.map(outcome => (outcome as { value: R }).value)
}
