// The preview's time budget: all the renders of one pull request together.
// Each render is bounded on its own (60 s), but a GitOps repository with a
// hundred places whose chart loops would hold the release for hours; past
// the budget, the places left are listed as not rendered, saying why.
// Pure but for the clock, which tests pass.

/** Time all the renders of one pull request's preview may take together. */
export const RENDER_TIME_BUDGET_MS = 5 * 60_000

/**
 * The test seam: this variable may lower the budget (never raise it), so
 * that a test of a template that never ends need not wait five minutes.
 */
export const BUDGET_VARIABLE = 'HELM_OCI_RELEASE_RENDER_BUDGET_MS'

/** The budget of a preview: `RENDER_TIME_BUDGET_MS`, or less where `BUDGET_VARIABLE` says so. */
export function budgetMs(env: NodeJS.ProcessEnv = process.env): number {
  const lowered = Number(env[BUDGET_VARIABLE])
  return Number.isInteger(lowered) && lowered > 0
    ? Math.min(lowered, RENDER_TIME_BUDGET_MS)
    : RENDER_TIME_BUDGET_MS
}

/** A deadline that starts when it is made. */
export class TimeBudget {
  private readonly end: number

  constructor(
    readonly totalMs: number,
    private readonly now: () => number = Date.now
  ) {
    this.end = now() + totalMs
  }

  /** Milliseconds left; 0 once spent. */
  remainingMs(): number {
    return Math.max(0, this.end - this.now())
  }

  spent(): boolean {
    return this.remainingMs() === 0
  }

  /** `the preview's time budget (300 s for all places)`, for the pull request. */
  describe(): string {
    const seconds = Math.max(1, Math.round(this.totalMs / 1000))
    return `the preview's time budget (${seconds} s for all places)`
  }
}
