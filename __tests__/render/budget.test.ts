// The preview's time budget, with a fake clock: Helm never gets more than
// what is left, a render the budget stops is "not rendered", and the places
// after it are listed as not rendered without Helm being run.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { TemplateRequest } from '../../src/helm/template-args.js'
import type { TemplateLimits, TemplateOutput } from '../../src/helm/template.js'
import {
  BUDGET_VARIABLE,
  budgetMs,
  RENDER_TIME_BUDGET_MS,
  TimeBudget
} from '../../src/render/budget.js'
import {
  renderPlaceChange,
  type HelmTemplate
} from '../../src/render/render.js'
import type { RenderPlace } from '../../src/render/place.js'
import { archive, END, entry } from '../helm/tar-fixtures.js'
import { removeDir, tempDir } from '../helpers/paths.js'

test.each<[string | undefined, number]>([
  [undefined, RENDER_TIME_BUDGET_MS],
  ['1000', 1000],
  ['0', RENDER_TIME_BUDGET_MS],
  ['-5', RENDER_TIME_BUDGET_MS],
  ['1.5', RENDER_TIME_BUDGET_MS],
  ['soon', RENDER_TIME_BUDGET_MS],
  [String(RENDER_TIME_BUDGET_MS * 10), RENDER_TIME_BUDGET_MS]
])('%s=%j: a budget of %i ms (lowered, never raised)', (value, expected) => {
  expect(
    budgetMs(value === undefined ? {} : { [BUDGET_VARIABLE]: value })
  ).toBe(expected)
})

test('TimeBudget counts down on its clock and says what it is', () => {
  let now = 1_000
  const budget = new TimeBudget(3_000, () => now)
  expect(budget.remainingMs()).toBe(3_000)
  now += 2_500
  expect(budget.remainingMs()).toBe(500)
  expect(budget.spent()).toBe(false)
  now += 600
  expect(budget.remainingMs()).toBe(0)
  expect(budget.spent()).toBe(true)
  expect(budget.describe()).toBe(
    "the preview's time budget (3 s for all places)"
  )
})

/** A Helm whose every render takes `takesMs` on the fake clock, killed at its timeout. */
class ClockedHelm implements HelmTemplate {
  readonly skipsSchemaValidation = true
  readonly timeouts: number[] = []

  constructor(
    private readonly clock: { now: number },
    private readonly takesMs: number
  ) {}

  async template(
    _request: TemplateRequest,
    limits?: TemplateLimits
  ): Promise<TemplateOutput> {
    const timeoutMs = limits?.timeoutMs ?? Infinity
    this.timeouts.push(timeoutMs)
    if (this.takesMs <= timeoutMs) {
      this.clock.now += this.takesMs
      return {
        manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n'
      }
    }
    this.clock.now += timeoutMs
    return { error: 'helm did not finish', stopped: 'time' }
  }
}

const PLACE: RenderPlace = {
  file: 'apps/web.yaml',
  line: 9,
  title: 'Application web (spec.source)',
  chartRef: 'oci://r.example/charts/web',
  releaseName: 'web',
  valueFiles: [],
  setValues: [],
  includeCrds: true,
  apiVersions: [],
  notes: []
}
const VERSIONS = { old: '1.0.0', new: '1.1.0' }

describe('renders under the budget', () => {
  let work: string
  let packages: { packagePath: () => Promise<string> }

  beforeAll(() => {
    work = tempDir('hor-budget-')
    const file = path.join(work, 'web.tgz')
    const chart = 'apiVersion: v2\nname: web\nversion: 1.0.0\n'
    fs.writeFileSync(
      file,
      zlib.gzipSync(archive(entry('web/Chart.yaml', chart), END))
    )
    packages = { packagePath: () => Promise.resolve(file) }
  })

  afterAll(() => removeDir(work))

  function run(helm: ClockedHelm, budget: TimeBudget) {
    return renderPlaceChange(helm, PLACE, VERSIONS, packages, {
      workDir: work,
      budget
    })
  }

  test('Helm gets its own bound while the budget has room, then what is left', async () => {
    const clock = { now: 0 }
    const budget = new TimeBudget(90_000, () => clock.now)
    const helm = new ClockedHelm(clock, 40_000)
    expect((await run(helm, budget)).status).toBe('rendered')
    expect(helm.timeouts).toEqual([60_000, 50_000])
  })

  test('a render the budget stops: not rendered, the new version not tried, and the places after are not rendered either', async () => {
    const clock = { now: 0 }
    const budget = new TimeBudget(1_000, () => clock.now)
    const helm = new ClockedHelm(clock, Infinity)
    expect(await run(helm, budget)).toMatchObject({
      status: 'skipped',
      reason:
        "the preview's time budget (1 s for all places) ran out while rendering it"
    })
    expect(await run(helm, budget)).toMatchObject({
      status: 'skipped',
      reason:
        "the preview's time budget (1 s for all places) was spent on the places before"
    })
    expect(helm.timeouts).toEqual([1_000])
  })

  test('a render stopped by its own bound while the budget has room is a failure (at both versions here), not a skip', async () => {
    const clock = { now: 0 }
    const budget = new TimeBudget(600_000, () => clock.now)
    const outcome = await run(new ClockedHelm(clock, Infinity), budget)
    expect(outcome).toMatchObject({
      status: 'failed',
      side: 'both',
      version: VERSIONS.new,
      old: { version: VERSIONS.old }
    })
  })
})
