// The umbrella charts a bump touched: their Chart.lock rewritten as
// `helm dependency update` would (chart-lock.ts), and a committed
// charts/<name>-<old>.tgz replaced by the new package from the registry.
// The checkout and the registry are behind interfaces, faked in unit tests.
import { errorMessage, UserError } from '../../errors.js'
import type { RepoBump } from '../bump-repo.js'
import { updateChartLock, type LockedMove } from './chart-lock.js'

/** Files of the base checkout beyond those the globs matched (Chart.lock, charts/). */
export interface CheckoutFiles {
  /** The bytes of a repository path; undefined when there is no such file. */
  readCheckoutFile(file: string): Uint8Array | undefined
  /** The names of the files in a folder; [] when there is none. */
  listCheckoutFolder(folder: string): string[]
}

/** Where the chart package of the release comes from: the registry it was pushed to. */
export interface ChartPackages {
  /** The package (.tgz) of `ref` at `digest` (the manifest the action pushed). */
  fetchPackage(ref: string, digest: string): Promise<Uint8Array>
}

export interface LockContext {
  checkout: CheckoutFiles
  /** Undefined in a dry run: nothing was pushed, so nothing can be pulled. */
  packages?: ChartPackages
  release: { ref: string; digest: string }
  /** Base texts of the scanned files. */
  texts: ReadonlyMap<string, string>
  now: Date
}

export interface LockResult {
  /** Repository path -> new bytes, or null to delete the file. */
  files: Map<string, Uint8Array | null>
  /** Lines for the pull request and the log. */
  notes: string[]
}

function folderOf(file: string): string {
  const slash = file.lastIndexOf('/')
  return slash < 0 ? '' : file.slice(0, slash)
}

function inFolder(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name
}

/** Rewrites the lock of every Chart.yaml the bump edited; the bump's notices about it are replaced. */
export async function updateUmbrellaLocks(
  bump: RepoBump,
  context: LockContext
): Promise<LockResult> {
  const result: LockResult = { files: new Map(), notes: [] }
  const charts = new Set(
    bump.changes.filter(c => c.kind === 'helm-dependency').map(c => c.file)
  )
  for (const chartYaml of charts) {
    const handled = await updateOne(chartYaml, bump, context, result)
    if (handled) dropLockNotice(bump, chartYaml)
  }
  return result
}

/** edit.ts's lockfileNotice asks the user to run `helm dependency update`: no longer needed. */
function dropLockNotice(bump: RepoBump, chartYaml: string): void {
  bump.notices = bump.notices.filter(
    n =>
      !(n.startsWith(`${chartYaml}: dependency '`) && n.includes('Chart.lock'))
  )
}

async function updateOne(
  chartYaml: string,
  bump: RepoBump,
  context: LockContext,
  result: LockResult
): Promise<boolean> {
  const folder = folderOf(chartYaml)
  const lockPath = inFolder(folder, 'Chart.lock')
  const lockBytes = context.checkout.readCheckoutFile(lockPath)
  const before = context.texts.get(chartYaml)
  const after = bump.files.get(chartYaml)
  if (!lockBytes || before === undefined || after === undefined) return false
  const update = updateChartLock({
    chartBefore: before,
    chartAfter: after,
    lock: Buffer.from(lockBytes).toString('utf8'),
    now: context.now
  })
  if ('leftAlone' in update) {
    result.notes.push(
      `\`${lockPath}\` left alone: ${update.leftAlone}. Run \`helm dependency update ${folder || '.'}\` and commit it.`
    )
    return true
  }
  result.files.set(lockPath, Buffer.from(update.text, 'utf8'))
  result.notes.push(
    `\`${lockPath}\` updated as \`helm dependency update\` writes it (${update.moved.map(m => `${m.name} ${m.from} -> ${m.to}`).join(', ')}).`
  )
  for (const move of update.moved)
    await replacePackage(inFolder(folder, 'charts'), move, context, result)
  return true
}

/** A committed dependency package moves with the lock, or `helm template` would use the old one. */
async function replacePackage(
  folder: string,
  move: LockedMove,
  context: LockContext,
  result: LockResult
): Promise<void> {
  const oldName = `${move.name}-${move.from}.tgz`
  if (!context.checkout.listCheckoutFolder(folder).includes(oldName)) return
  const newPath = `${folder}/${move.name}-${move.to}.tgz`
  if (!context.packages) {
    result.notes.push(
      `\`${folder}/${oldName}\` would be replaced by \`${newPath}\` (pulled from the registry).`
    )
    return
  }
  const bytes = await lockPackage(context.packages, context.release, newPath)
  result.files.set(`${folder}/${oldName}`, null)
  result.files.set(newPath, bytes)
  result.notes.push(
    `\`${folder}/${oldName}\` replaced by \`${newPath}\`, pulled from \`${context.release.ref}@${context.release.digest}\`.`
  )
}

/** The release's package, or an error that says it was for the Chart.lock's committed package. */
async function lockPackage(
  packages: ChartPackages,
  release: LockContext['release'],
  newPath: string
): Promise<Uint8Array> {
  try {
    return await packages.fetchPackage(release.ref, release.digest)
  } catch (error) {
    throw new UserError(
      `\`${newPath}\` cannot be committed beside Chart.lock: ${errorMessage(error)}`,
      { cause: error }
    )
  }
}
