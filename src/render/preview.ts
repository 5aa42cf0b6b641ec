// The pull request's preview of a release: for every bumped pin, the chart
// rendered the way its consumer renders it, old version vs new, and the
// chart's changelog between them. A preview never fails a release: whatever
// goes wrong is said in the pull request and as a warning.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import semver from 'semver'
import { errorMessage } from '../errors.js'
import type { PinChange } from '../gitops/edit.js'
import { budgetMs, TimeBudget } from './budget.js'
import { readChangelog, type ChangelogRegistry } from './changelog-source.js'
import { changelogMarkdown } from './changelog.js'
import type { PlaceOutcome } from './outcome.js'
import { placesByPin } from './places/index.js'
import {
  renderPlaceChange,
  type ChartPackages,
  type HelmTemplate
} from './render.js'
import { renderReport } from './report.js'
import type { ReadRepoFile, RenderPlace } from './types.js'

/** Pins previewed per pull request at most; the others are listed as not rendered. */
const MAX_PREVIEWED_PINS = 20

/** What the preview needs from outside: Helm, the chart's packages, the registry's tags and configs. */
export interface PreviewServices {
  helm: HelmTemplate
  /** The Helm that renders, e.g. `4.2.3`: said in the pull request. */
  helmVersion: string
  packages: ChartPackages
  registry: ChangelogRegistry
}

export interface PreviewInput {
  changes: readonly PinChange[]
  texts: ReadonlyMap<string, string>
  readRepoFile: ReadRepoFile
  /** The clone's folder: umbrella charts are rendered from there (without it, they are not). */
  cloneDir?: string
  /** `oci://<registry>/<repository>/<name>`, the version released, and `repository/name`. */
  chartRef: string
  version: string
  repositoryPath: string
  repositoryUrls: readonly string[]
  kubeVersion?: string
  apiVersions: readonly string[]
  /** Characters of the pull request body the preview may take. */
  budget: number
}

export interface Preview {
  /** For the pull request body (within the budget). */
  body: string
  /** Everything, for the job summary. */
  full: string
  /** One line per place whose new version does not render, or per failure of the preview itself. */
  warnings: string[]
}

/** Renders every bumped pin old vs new and reads the changelog. Never throws. */
export async function previewRelease(
  services: PreviewServices,
  input: PreviewInput
): Promise<Preview> {
  const workDir = fs.mkdtempSync(
    path.join(tempRoot(), 'helm-oci-release-render-')
  )
  try {
    const outcomes = await renderAll(services, input, workDir)
    const report = renderReport(outcomes, {
      helmVersion: services.helmVersion,
      budget: input.budget
    })
    const changelog = changelogMarkdown(
      await readChangelog(
        services.registry,
        input.repositoryPath,
        oldestFrom(input.changes),
        input.version
      )
    )
    return {
      body: `${report.body}\n\n${changelog}`,
      full: `${report.full}\n\n${changelog}`,
      warnings: report.failures.map(failureLine)
    }
  } catch (error) {
    const message = `The rendered preview failed: ${errorMessage(error)}`
    return {
      body: `> [!WARNING]\n> ${message}`,
      full: message,
      warnings: [message]
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
}

async function renderAll(
  services: PreviewServices,
  input: PreviewInput,
  workDir: string
): Promise<PlaceOutcome[]> {
  const outcomes: PlaceOutcome[] = []
  const budget = new TimeBudget(budgetMs())
  const byPin = placesByPin(input.changes, {
    texts: input.texts,
    readRepoFile: input.readRepoFile,
    chartRef: input.chartRef,
    repositoryUrls: input.repositoryUrls
  })
  for (const [index, change] of input.changes.entries()) {
    for (const found of byPin[index]) {
      const place = withCapabilities(found, input)
      if (index >= MAX_PREVIEWED_PINS) {
        const reason = `not rendered: only the first ${MAX_PREVIEWED_PINS} pins are previewed`
        outcomes.push({ status: 'skipped', place, reason })
        continue
      }
      const umbrellaChartDir =
        place.umbrella && input.cloneDir
          ? path.join(input.cloneDir, place.umbrella.chartDir)
          : undefined
      outcomes.push(
        await renderPlaceChange(
          services.helm,
          place,
          { old: change.from, new: change.to },
          services.packages,
          { workDir, umbrellaChartDir, budget }
        )
      )
    }
  }
  return outcomes
}

/** The inputs `gitops-kube-version` / `gitops-api-versions` stand in for the cluster's, where the manifest says none. */
function withCapabilities(
  place: RenderPlace,
  input: PreviewInput
): RenderPlace {
  return {
    ...place,
    kubeVersion: place.kubeVersion ?? input.kubeVersion,
    apiVersions: place.apiVersions.length
      ? place.apiVersions
      : [...input.apiVersions]
  }
}

/** The oldest version the pins move from: the changelog starts after it. */
function oldestFrom(changes: readonly PinChange[]): string {
  const versions = changes
    .map(change => change.from)
    .filter(version => semver.valid(version))
  return versions.sort(semver.compare)[0] ?? changes[0]?.from ?? ''
}

function failureLine(outcome: PlaceOutcome): string {
  const where = `${outcome.place.file} line ${outcome.place.line} (${outcome.place.title})`
  if (outcome.status !== 'failed') return where
  const values = outcome.valuesFile ? `, with ${outcome.valuesFile}` : ''
  return `${where}: version ${outcome.version} does not render${values}: ${outcome.error.split('\n')[0]}`
}

function tempRoot(): string {
  return process.env.RUNNER_TEMP || os.tmpdir()
}
