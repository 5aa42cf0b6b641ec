// Which artifacthub-repo.yml goes to which chart repository, read and checked
// before anything is installed or pushed: the `artifacthub-repo` input's file,
// or by default the one next to each chart's Chart.yaml. A file must be a
// regular file inside the workspace (a link that leads out is refused, as a
// chart's are), small, and what Artifact Hub reads (chart/artifacthub-repo.ts).
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import {
  ARTIFACTHUB_REPO_FILE,
  parseArtifactHubRepo,
  type ArtifactHubRepo
} from '../chart/artifacthub-repo.js'
import { isInside } from '../chart/links.js'
import { UserError } from '../errors.js'
import type { ArtifactHubInput } from '../inputs/release.js'
import { showable } from '../relay.js'

/** The file is a few lines; more is not an Artifact Hub metadata file. */
export const MAX_METADATA_BYTES = 64 * 1024

/** One chart repository's metadata file, read and checked. */
export interface MetadataFile {
  /** The chart's repository in the registry (`repository/name`). */
  repositoryPath: string
  /** oci://registry/repository/name, for messages. */
  ref: string
  /** The file's path in the workspace, for messages and annotations. */
  file: string
  bytes: Buffer
  metadata: ArtifactHubRepo
}

/** What a chart's release gives this step. */
export interface MetadataChart {
  dir: string
  repositoryPath: string
  ref: string
}

/**
 * The metadata file of each chart repository of the run, once per
 * repository; [] when there is none or the input is `false`.
 */
export function metadataFiles(
  input: ArtifactHubInput,
  charts: readonly MetadataChart[],
  workspace: string
): MetadataFile[] {
  if (input.kind === 'off') return []
  const files: MetadataFile[] = []
  const seen = new Set<string>()
  for (const chart of charts) {
    if (seen.has(chart.repositoryPath)) continue
    seen.add(chart.repositoryPath)
    const file =
      input.kind === 'file'
        ? path.resolve(workspace, input.path)
        : besideChart(chart.dir)
    if (file)
      files.push(
        readMetadataFile(file, chart, workspace, input.kind === 'file')
      )
  }
  if (input.kind === 'file') checkOneId(files, input.path)
  return files
}

/** artifacthub-repo.yml next to Chart.yaml, when there is one. */
function besideChart(dir: string): string | undefined {
  const file = path.join(dir, ARTIFACTHUB_REPO_FILE)
  return fs.lstatSync(file, { throwIfNoEntry: false }) ? file : undefined
}

function readMetadataFile(
  file: string,
  chart: MetadataChart,
  workspace: string,
  named: boolean
): MetadataFile {
  const shown = path.relative(workspace, file)
  const stat = fs.statSync(file, { throwIfNoEntry: false })
  if (!stat?.isFile())
    throw new UserError(
      named
        ? `Input 'artifacthub-repo' names ${showable(shown)}, but there is no such file in the workspace. ` +
            "Write the file there, or leave 'artifacthub-repo' empty to use artifacthub-repo.yml next to Chart.yaml."
        : `${showable(shown)} is not a file (a link to nothing, or a folder): make it the Artifact Hub metadata file, ` +
            "remove it, or set 'artifacthub-repo: false'."
    )
  const real = fs.realpathSync(file)
  if (!isInside(fs.realpathSync(workspace), real))
    throw new UserError(
      `${showable(shown)} resolves to ${showable(real)}, outside the workspace: ` +
        'the action pushes only what the workspace holds. Put the Artifact Hub metadata file itself in the workspace.'
    )
  if (stat.size > MAX_METADATA_BYTES)
    throw new UserError(
      `${showable(shown)} is ${stat.size} bytes, more than the ${MAX_METADATA_BYTES} an Artifact Hub metadata file needs: ` +
        'keep only repositoryID, owners and ignore in it.',
      { file: shown }
    )
  const bytes = fs.readFileSync(real)
  const metadata = parseArtifactHubRepo(bytes.toString('utf8'), shown)
  for (const key of metadata.unknownKeys)
    core.warning(
      `${showable(shown)} has '${showable(key.slice(0, 80))}', which Artifact Hub does not read (it reads repositoryID, owners and ignore).`,
      { file: shown }
    )
  return { ...chart, file: shown, bytes, metadata }
}

/**
 * One file for several chart repositories: each is its own Artifact Hub
 * repository with its own ID, so a file with a repositoryID fits only one.
 */
function checkOneId(files: MetadataFile[], input: string): void {
  if (files.length < 2 || !files[0].metadata.repositoryID) return
  throw new UserError(
    `Input 'artifacthub-repo' names ${showable(input)}, whose repositoryID would go to ${files.length} chart repositories ` +
      `(${files.map(f => f.ref).join(', ')}), but each is its own Artifact Hub repository with its own ID. ` +
      "Put an artifacthub-repo.yml next to each Chart.yaml and leave 'artifacthub-repo' empty."
  )
}
