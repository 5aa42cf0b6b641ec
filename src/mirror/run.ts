// The mirror's list of steps, one log group each: find the versions every
// line asks for, then copy them, a few side by side (../in-order.ts: each
// version's group is printed, in order, once it is done; run-state.ts is what
// the copies share). Every line is resolved before anything is copied, so a
// line that names nothing (a missing chart, a range no version matches)
// stops the run with the destination untouched. A
// refusal while copying (a tag that moved upstream) does not stop the others:
// the run copies what it can, then fails naming each refusal. Each version's
// group says what became of it; outputs and summary are set once, at the end,
// failure or not (an error that stops the run is in the summary too).
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { errorMessage, UserError } from '../errors.js'
import { relay } from '../relay.js'
import { chartRef } from '../registry/reference.js'
import type { RegistryWriter } from '../registry/writer.js'
import {
  classicVersions,
  downloadClassic,
  type ClassicVersion
} from './classic.js'
import type { MirrorConfig } from '../inputs/mirror.js'
import { inOrder, type Outcome } from '../in-order.js'
import { mirrorOciVersion, ociVersions } from './oci-copy.js'
import { setMirrorOutputs } from './outputs.js'
import { connection } from '../publish/target.js'
import { mirrorClassicPackage, type ClassicLine } from './push-classic.js'
import { resultLine } from './result-line.js'
import {
  MirrorRun,
  realServices,
  type MirrorHelm,
  type MirrorServices
} from './run-state.js'
import { refusalLines, writeMirrorSummary } from './summary.js'
import type { MirrorLine } from '../inputs/mirror-lines.js'
import type { MirrorResult } from './types.js'
import { ociTag, selectVersions } from './versions.js'

export type { MirrorHelm, MirrorServices }

/** Versions copied at once, at most (as the release pushes charts: publish.ts). */
export const MIRROR_CONCURRENCY = 4

/** One chart version to copy, as a line resolved it. */
interface Planned {
  line: MirrorLine
  version: string
  /** The index entry of a classic repository's version. */
  classic?: ClassicVersion
}

/** The mirror, once the inputs are read; a refusal is thrown to the entry. */
export async function mirror(
  config: MirrorConfig,
  services: MirrorServices = realServices
): Promise<void> {
  const results: MirrorResult[] = []
  const run = new MirrorRun(config, services)
  let stopped: unknown
  try {
    const planned = await core.group('Find the versions to copy', () =>
      resolveAll(run, results)
    )
    // Only refusals so far: nothing is copied unless every line resolved.
    if (!results.length) {
      const destination = services.destination(config)
      await inOrder(
        planned,
        MIRROR_CONCURRENCY,
        (item, log) => copy(run, destination, item, log),
        (item, log, outcome) => {
          if (outcome.ok) results.push(outcome.value)
          sayVersion(item, log, outcome)
        }
      )
    }
  } catch (error) {
    stopped = error
    throw error
  } finally {
    setMirrorOutputs(results)
    await summarize(results, config.dryRun, stopped)
    run.cleanUp()
  }
  const refused = refusalLines(results)
  if (refused.length)
    throw new UserError(
      `${refused.length} refusal(s); nothing was overwritten:\n- ${refused.join('\n- ')}`
    )
}

/**
 * The job summary, which must not hide the run's own result: a runner (or a
 * local run) without GITHUB_STEP_SUMMARY gets a warning, not a failure. A
 * run stopped by an error says so, with the error, under what it did.
 */
async function summarize(
  results: MirrorResult[],
  dryRun: boolean,
  stopped: unknown
): Promise<void> {
  try {
    await writeMirrorSummary(
      results,
      dryRun,
      stopped === undefined ? {} : { stopped: errorMessage(stopped) }
    )
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

/**
 * One version's log group: what its copy said (Helm's output among it), then
 * what became of it on one line. A copy that threw has no such line: the
 * error stops the run and is said by the entry.
 */
function sayVersion(
  item: Planned,
  log: readonly string[],
  outcome: Outcome<MirrorResult>
): void {
  core.startGroup(`Mirror ${item.line.name} ${item.version}`)
  // Helm's output, reasons and tags come from registries and packages:
  // relayed, never taken as commands.
  if (log.length) relay(log.join('\n'))
  if (outcome.ok) relay(resultLine(outcome.value))
  core.endGroup()
}

/** Every line's versions; a line that names none adds a refused result. */
async function resolveAll(
  run: MirrorRun,
  refusals: MirrorResult[]
): Promise<Planned[]> {
  const planned: Planned[] = []
  const seen = new Map<string, MirrorLine>()
  for (const line of run.config.lines) {
    let versions: Planned[]
    try {
      versions = await resolve(run, line)
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      refuseLine(refusals, lineRefusal(run.config, line, error.message))
      continue
    }
    core.info(
      `Line ${line.line} (${line.text}): ${versions.map(v => v.version).join(', ')}`
    )
    for (const item of versions) {
      // Two lines may overlap (same chart, two ranges): copy once. Two
      // sources of one name and version would fight over one tag: refuse.
      const key = `${line.name}@${ociTag(item.version)}`
      const earlier = seen.get(key)
      if (!earlier) {
        seen.set(key, line)
        planned.push(item)
      } else if (sourceId(earlier) !== sourceId(line)) {
        refuseLine(
          refusals,
          lineRefusal(
            run.config,
            line,
            `${lineName(line)}: ${line.name} ${item.version} also comes from line ${earlier.line} (${earlier.text}): ` +
              'one destination tag cannot hold both; drop one line.'
          )
        )
      }
    }
  }
  return planned
}

/** The versions one line asks for, ascending; a UserError when there are none. */
async function resolve(run: MirrorRun, line: MirrorLine): Promise<Planned[]> {
  const { source } = line
  if (source.kind === 'oci') {
    const versions = await ociVersions(
      run.sourceClient(source.registry),
      source.repository
    )
    // A missing repository lists no tags (404): worded apart from "no match".
    if (!versions.length)
      throw new UserError(
        `${lineName(line)}: oci://${source.registry}/${source.repository} does not exist, has no version tag, ` +
          'or the source credentials cannot read it. Check the address and source-username / source-password.'
      )
    return selectVersions(line, versions).map(version => ({ line, version }))
  }
  const entries = await classicVersions(source.url, line.name, run.sourceAuth())
  if (!entries.length)
    throw new UserError(
      `${lineName(line)}: ${source.url}/index.yaml has no chart '${line.name}'. Check the chart name and the repository URL.`
    )
  return selectVersions(
    line,
    entries.map(e => e.version)
  ).map(version => ({
    line,
    version,
    classic: entries.find(e => e.version === version)
  }))
}

/**
 * One chart version: an OCI copy, or a classic package pushed with Helm.
 * What it says goes to `log`, shown in the version's group once it is done.
 */
async function copy(
  run: MirrorRun,
  destination: RegistryWriter,
  item: Planned,
  log: string[]
): Promise<MirrorResult> {
  const { config } = run
  const { line } = item
  try {
    if (line.source.kind === 'oci') {
      return await mirrorOciVersion({
        source: {
          registry: run.sourceClient(line.source.registry),
          repository: line.source.repository
        },
        destination: {
          registry: destination,
          repository: `${config.repository}/${line.name}`
        },
        chart: line.name,
        version: item.version,
        dryRun: config.dryRun
      })
    }
    if (!item.classic)
      throw new UserError(`the index has no entry for ${item.version}.`)
    const packages = path.join(run.sandbox().root, 'packages')
    fs.mkdirSync(packages, { recursive: true })
    const packagePath = path.join(packages, `${line.name}-${item.version}.tgz`)
    try {
      await downloadClassic(
        line.source.url,
        item.classic,
        packagePath,
        run.sourceAuth()
      )
      return await mirrorClassicPackage(
        line as ClassicLine,
        item.version,
        packagePath,
        {
          registry: config.registry,
          repository: config.repository,
          connection: connection(config)
        },
        {
          registry: destination,
          helm: () => run.helm(log),
          say: said => log.push(said)
        },
        config.dryRun
      )
    } finally {
      // Pushed or not, the package is done with: the disk holds a few at most.
      fs.rmSync(packagePath, { force: true })
    }
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return {
      ...lineRefusal(config, line, error.message),
      version: item.version,
      source:
        line.source.kind === 'oci'
          ? `${sourceId(line)}:${ociTag(item.version)}`
          : `${line.source.url} ${line.name}@${item.version}`,
      destination: `${chartRef(config.registry, config.repository, line.name)}:${ociTag(item.version)}`
    }
  }
}

/** Adds a line's refusal to the results, and says it in the log. */
function refuseLine(refusals: MirrorResult[], refusal: MirrorResult): void {
  refusals.push(refusal)
  relay(resultLine(refusal))
}

/** A refused result for a whole line (its versions unknown). */
function lineRefusal(
  config: MirrorConfig,
  line: MirrorLine,
  reason: string
): MirrorResult {
  return {
    chart: line.name,
    version: constraintText(line),
    source: sourceId(line),
    destination: chartRef(config.registry, config.repository, line.name),
    status: 'refused',
    reason,
    related: []
  }
}

/** `Line N of 'charts' (text)`, as spec.ts and versions.ts word it. */
function lineName(line: MirrorLine): string {
  return `Line ${line.line} of 'charts' (${line.text})`
}

function sourceId(line: MirrorLine): string {
  const { source } = line
  return source.kind === 'oci'
    ? `oci://${source.registry}/${source.repository}`
    : `${source.url} ${line.name}`
}

/** A line's constraint as written, where a version would stand. */
function constraintText(line: MirrorLine): string {
  const { constraint } = line
  if (constraint.kind === 'exact') return constraint.version
  return constraint.kind === 'range' ? constraint.range : 'latest'
}
