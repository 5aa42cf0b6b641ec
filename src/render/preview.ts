// The pull request's preview of a release: every place it is given (the way
// a consumer of the chart renders it, built from the bumped pins by the
// GitOps tools) rendered at its old version and its new one, and the chart's
// changelog between them. A preview never fails a release: whatever goes
// wrong is said in the pull request and as a warning.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import semver from 'semver'
import { errorMessage } from '../errors.js'
import { inOrder } from '../in-order.js'
import { assumptions } from './assumptions.js'
import { budgetMs, TimeBudget } from './budget.js'
import { readChangelog, type ChangelogRegistry } from './changelog-source.js'
import { changelogPart } from './changelog.js'
import type { Part } from '../fit.js'
import { clip, escapeMarkdown } from '../markdown.js'
import type { PlaceOutcome } from './outcome.js'
import {
  renderPlaceChange,
  type ChartPackages,
  type HelmTemplate
} from './render.js'
import { MAX_ERROR_CHARS, renderReport } from './report.js'
import { findUnreadValues } from './unread-values.js'
import type { PlaceChange, RenderPlace } from './place.js'

/**
 * Characters of diffs and manifests the preview keeps over all its places:
 * about what the job summary (1 MiB) can show. Past it, a place's diffs and
 * manifests are not kept (its counts still are), so that memory stays
 * bounded whatever the charts render.
 */
export const MAX_PREVIEW_DIFF_CHARS = 900_000

/**
 * Places rendered at once, at most: one `helm template` at a time leaves a
 * core of a runner idle (two on GitHub's smallest), and two at once hold at
 * most two renders' memory (1 GiB each: helm/isolation.ts), issue #27.
 */
export const RENDER_CONCURRENCY = 2

/** What the preview needs from outside: Helm, the chart's packages, the registry's tags and configs. */
export interface PreviewServices {
  helm: HelmTemplate
  /** The Helm that renders, e.g. `4.2.3`: said in the pull request. */
  helmVersion: string
  /** Whether `gitops-render-helm-version` named it (else it is `helm-version`'s). */
  helmChosen?: boolean
  packages: ChartPackages
  registry: ChangelogRegistry
}

export interface PreviewInput {
  /**
   * The places to render, each with its pin's versions, in the pull
   * request's order. Built when the preview starts, inside its guard: a
   * failure to build them is said like any failure of the preview.
   */
  places: () => readonly PlaceChange[]
  /** The clone's folder: umbrella charts are rendered from there (without it, they are not). */
  cloneDir?: string
  /** `repository/name` in the registry: the changelog is read from its tags. */
  repositoryPath: string
  /** The versions the pins move from: the changelog starts after the oldest. */
  fromVersions: readonly string[]
  /** The version released: the changelog ends with it. */
  version: string
  /** What `gitops-kube-version` and `gitops-api-versions` say of the cluster. */
  kubeVersion?: string
  apiVersions: readonly string[]
}

export interface Preview {
  /**
   * The rendered changes and the changelog, as parts that the pull request
   * body and the job summary each fit into their own limit (see fit.ts).
   */
  parts: Part[]
  /** One line per place whose new version does not render, or per failure of the preview itself. */
  warnings: string[]
}

/** Renders every place old vs new and reads the changelog. Never throws. */
export async function previewRelease(
  services: PreviewServices,
  input: PreviewInput
): Promise<Preview> {
  const workDir = fs.mkdtempSync(
    path.join(tempRoot(), 'helm-oci-release-render-')
  )
  try {
    const { outcomes, places } = await renderAll(services, input, workDir)
    const report = renderReport(outcomes, {
      helmVersion: services.helmVersion,
      assumed: assumptions(places, {
        helmVersion: services.helmVersion,
        helmChosen: services.helmChosen ?? false,
        kubeVersion: input.kubeVersion,
        apiVersions: input.apiVersions
      })
    })
    const changelog = changelogPart(
      await readChangelog(
        services.registry,
        input.repositoryPath,
        oldestFrom(input.fromVersions),
        input.version
      )
    )
    return {
      parts: [...report.parts, changelog],
      warnings: report.failures.map(failureLine)
    }
  } catch (error) {
    return previewFailure(error)
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
}

/** A preview that could not be made: one warning, said in the pull request too. */
export function previewFailure(error: unknown): Preview {
  const message = `The rendered preview failed: ${errorMessage(error)}`
  return {
    parts: [
      {
        head: `> [!WARNING]\n> ${escapeMarkdown(clip(message, MAX_ERROR_CHARS))}\n\n`
      }
    ],
    warnings: [message]
  }
}

/**
 * Each place's outcome, and the places Helm was run for as their tools
 * wrote them (before the inputs stand in for the cluster): what the
 * preview assumed is said of those.
 */
async function renderAll(
  services: PreviewServices,
  input: PreviewInput,
  workDir: string
): Promise<{ outcomes: PlaceOutcome[]; places: RenderPlace[] }> {
  const outcomes: PlaceOutcome[] = []
  const places: RenderPlace[] = []
  const budget = new TimeBudget(budgetMs())
  const kept = { diffChars: MAX_PREVIEW_DIFF_CHARS }
  const changes = input.places().map(({ place: found, versions }) => ({
    found,
    place: withCapabilities(found, input),
    versions
  }))
  // A few places at once; each outcome is kept, bounded, in the places'
  // order as soon as it and those before it are done.
  await inOrder(
    changes,
    RENDER_CONCURRENCY,
    ({ place, versions }) =>
      renderPlaceChange(services.helm, place, versions, services.packages, {
        workDir,
        umbrellaChartDir:
          place.umbrella && input.cloneDir
            ? path.join(input.cloneDir, place.umbrella.chartDir)
            : undefined,
        budget
      }),
    ({ found }, _log, outcome) => {
      if (!outcome.ok) return
      outcomes.push(keepBounded(outcome.value, kept))
      if (outcome.value.status !== 'skipped') places.push(found)
    }
  )
  // After every place is rendered, so that probes never take the budget
  // of a place's own renders.
  for (const [index, outcome] of outcomes.entries()) {
    const change = changes[index]
    // With no old version to compare, no value can have stopped being read.
    if (outcome.status !== 'rendered' || !change || outcome.oldNotInRegistry)
      continue
    outcome.unread = await findUnreadValues(
      services.helm,
      change,
      services.packages,
      { workDir, budget }
    )
  }
  return { outcomes, places }
}

/**
 * What the preview keeps of a place: diffs while `kept.diffChars` lasts,
 * then the manifests of resources added and removed (the rest not kept,
 * each counted) and Helm's error up to what is shown.
 */
export function keepBounded(
  outcome: PlaceOutcome,
  kept: { diffChars: number }
): PlaceOutcome {
  if (outcome.status === 'failed') {
    const { old } = outcome
    return {
      ...outcome,
      error: keptError(outcome.error),
      ...(old && { old: { ...old, error: keptError(old.error) } })
    }
  }
  if (outcome.status !== 'rendered') return outcome
  const changed = outcome.diff.changed.map(r => keptText(r, 'diff', kept))
  const added = outcome.diff.added.map(r => keptText(r, 'manifest', kept))
  const removed = outcome.diff.removed.map(r => keptText(r, 'manifest', kept))
  return { ...outcome, diff: { added, removed, changed } }
}

/**
 * A resource whole while its diff or manifest fits what `kept.diffChars` has
 * left (taken from it), else with that text not kept and its lines counted.
 */
function keptText<
  F extends 'diff' | 'manifest',
  R extends Record<F, string> & { omittedLines: number }
>(resource: R, field: F, kept: { diffChars: number }): R {
  const text = resource[field]
  if (text.length <= kept.diffChars) {
    kept.diffChars -= text.length
    return resource
  }
  return {
    ...resource,
    [field]: '',
    omittedLines: resource.omittedLines + text.split('\n').length - 1
  }
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
function oldestFrom(fromVersions: readonly string[]): string {
  const versions = fromVersions.filter(version => semver.valid(version))
  return versions.sort(semver.compare)[0] ?? fromVersions[0] ?? ''
}

/** Helm's error up to what the report shows, and one more character: it says it was clipped. */
function keptError(error: string): string {
  return clip(error, MAX_ERROR_CHARS + 1)
}

/**
 * The warning of a place whose new version does not render: where, at which
 * versions, and Helm's whole error as the pull request shows it (a warning
 * is one workflow command: its line breaks are escaped, so no line of the
 * error reaches the log as a command of its own).
 */
function failureLine(outcome: PlaceOutcome): string {
  const where = `${outcome.place.file} line ${outcome.place.line} (${outcome.place.title})`
  if (outcome.status !== 'failed') return where
  const values = outcome.valuesFile ? `, with ${outcome.valuesFile}` : ''
  const versions = outcome.old
    ? `neither version ${outcome.old.version} nor ${outcome.version} renders`
    : `version ${outcome.version} does not render`
  return `${where}: ${versions}${values}: ${clip(outcome.error, MAX_ERROR_CHARS)}`
}

function tempRoot(): string {
  return process.env.RUNNER_TEMP || os.tmpdir()
}
