// The `github-release` step: after the push (and signing), one GitHub
// Release per chart the registry serves for this run, in the workflow's
// repository: created once, updated on a re-run, its package attached.
// The release is an extra, not a guard: the chart is published already, so
// a failure says so and how a re-run finishes the job (as signing does).
import * as core from '@actions/core'
import type { IfExists } from '../inputs/release.js'
import { forEachPublished } from '../publish/after-push.js'
import type { ReleaseAsset, ReleaseStore } from '../github/releases.js'
import type { ChartRelease } from '../record/chart-release.js'
import type {
  AssetResult,
  GitHubReleaseResult
} from '../record/github-release.js'
import type { RunRecord } from '../record/run.js'
import { relay } from '../relay.js'
import {
  assetDecision,
  packageAssetName,
  releaseTagFor,
  releaseText,
  type BodyInput
} from './notes.js'

/** What the step reads besides the chart record; tests pass fakes. */
export interface ReleaseSources {
  /** The run's tag and `tag-pattern`. */
  runTag?: string
  pattern: string
  /** GITHUB_SHA, for a tag the release creates. */
  sha?: string
  /** appVersion and `artifacthub.io/changes` of the chart. */
  bodyInput(chart: ChartRelease): BodyInput
  /** The package bytes: the .tgz built, or the registry's when not built here. */
  packageBytes(chart: ChartRelease): Promise<Uint8Array>
}

/** Creates or updates the release of one chart and attaches its package. */
export async function releaseChart(
  store: ReleaseStore,
  chart: ChartRelease,
  sources: ReleaseSources
): Promise<GitHubReleaseResult> {
  const tag = releaseTagFor(chart, sources.runTag, sources.pattern)
  const text = releaseText(chart, sources.bodyInput(chart))
  const existing = await store.findByTag(tag)
  let operation: GitHubReleaseResult['operation'] = 'unchanged'
  let release = existing
  if (!release) {
    release = await store.create(tag, text, sources.sha)
    operation = 'created'
  } else if (release.name !== text.name || release.body !== text.body) {
    release = await store.update(release.id, text)
    operation = 'updated'
  }
  const name = packageAssetName(chart)
  const wanted = Buffer.from(await sources.packageBytes(chart))
  // A new release has no assets: no need to ask.
  const assets = existing ? await store.listAssets(release.id) : []
  const asset = await attach(store, release, assets, name, wanted)
  return {
    url: release.htmlUrl,
    id: release.id,
    tag,
    operation,
    assets: [asset]
  }
}

async function attach(
  store: ReleaseStore,
  release: Parameters<ReleaseStore['uploadAsset']>[0],
  assets: ReleaseAsset[],
  name: string,
  wanted: Buffer
): Promise<AssetResult> {
  const there = assets.find(a => a.name === name)
  // A different size is a different file: no need to download it.
  const existing =
    there &&
    (there.size === wanted.length
      ? await store.downloadAsset(there.id)
      : Buffer.alloc(0))
  const decision = assetDecision(existing, wanted)
  if (decision === 'upload') {
    await store.uploadAsset(release, name, wanted)
    return { name, action: 'uploaded' }
  }
  if (decision === 'conflict')
    core.warning(
      `Release ${release.htmlUrl} already has an asset ${name} that differs from the package ` +
        'published now; it was kept, not replaced. Delete that asset and re-run to attach this package.'
    )
  return { name, action: decision === 'keep' ? 'kept' : 'conflict' }
}

/**
 * A release for every chart the registry serves for this run (pushed, or
 * already published with `if-exists: skip`). Failures are gathered and
 * thrown at the end, saying the charts are published.
 */
export async function releaseAll(
  store: ReleaseStore,
  charts: ChartRelease[],
  sources: ReleaseSources,
  ifExists: IfExists,
  record: Pick<RunRecord, 'released'>
): Promise<void> {
  await forEachPublished(
    charts,
    ifExists,
    {
      undone: 'its GitHub release is not complete',
      rerunDoes: 'completes the release'
    },
    async chart => {
      const result = await releaseChart(store, chart, sources)
      record.released(chart, result)
      // relay: the tag comes from Chart.yaml's name and version.
      relay(
        `${chart.name} ${chart.version}: GitHub release ${result.operation}, ${result.url} ` +
          `(${result.assets.map(a => `${a.name} ${a.action}`).join(', ')}).`
      )
    }
  )
}
