// One GitOps scan in a fresh process (so its peak RSS is this scan's alone):
// the action's own `readMatchingFiles` + `bumpRepository` from src/, on a
// generated repository, as the GitOps step runs them (src/gitops/step.ts):
// the pre-filter keeps only the texts that may hold a pin, and Kustomize
// builds read the clone's other files from disk. Prints one JSON line
// (ScanSample).
//   node --import tsx bench/children/gitops-scan.ts <dir> <expected-pins>
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { Minimatch, minimatch } from 'minimatch'
import { bumpRepository } from '../../src/gitops/bump-repo.js'
import { buildReader } from '../../src/gitops/checkout-texts.js'
import { readCheckoutFile, readMatchingFiles } from '../../src/gitops/files.js'
import { mayMatter } from '../../src/gitops/tools/index.js'
import { CORPUS_CHART, CORPUS_NEW_VERSION } from '../gitops-corpus.js'

/** The `gitops-paths` default. */
const GLOBS = ['**/*.yaml', '**/*.yml']

export interface ScanSample {
  /** readMatchingFiles: list, glob-match, stat, read and pre-filter every file. */
  readMs: number
  /** The step's build reader (the clone listed), bumpRepository: parse the candidates and edit every pin. */
  bumpMs: number
  /** Files the globs matched and that were read. */
  files: number
  /** Of those, the texts the pre-filter kept. */
  kept: number
  changes: number
  /** RSS after node, tsx and the modules loaded, before the scan (MB). */
  rssBeforeMB: number
  /** Peak RSS of the process once the scan is done (MB). */
  maxRssMB: number
  /** Diagnostics, after the peak was taken: the glob matching alone. */
  globPerCallMs: number
  globCompiledMs: number
}

function listPaths(root: string, dir = ''): string[] {
  const files: string[] = []
  for (const entry of fs.readdirSync(path.join(root, dir), {
    withFileTypes: true
  })) {
    const relative = dir ? `${dir}/${entry.name}` : entry.name
    if (entry.isDirectory()) files.push(...listPaths(root, relative))
    else if (entry.isFile()) files.push(relative)
  }
  return files
}

/**
 * How long matching the paths against the globs takes with a matcher built
 * per file (what src/ did before) and with each glob compiled once (src/ now). Each way runs twice, alternately, and the
 * faster run counts, so neither profits from the other warming up the JIT.
 */
function globDiagnostics(root: string): {
  perCall: number
  compiled: number
} {
  const paths = listPaths(root)
  const perCallWay = (): number =>
    paths.filter(p => GLOBS.some(g => minimatch(p, g, { dot: true }))).length
  const compiledWay = (): number => {
    const compiled = GLOBS.map(g => new Minimatch(g, { dot: true }))
    return paths.filter(p => compiled.some(m => m.match(p))).length
  }
  const time = (way: () => number): { ms: number; count: number } => {
    const start = performance.now()
    const count = way()
    return { ms: performance.now() - start, count }
  }
  const runs = [compiledWay, perCallWay, compiledWay, perCallWay].map(time)
  if (new Set(runs.map(r => r.count)).size !== 1)
    throw new Error('glob diagnostics disagree')
  return {
    compiled: Math.min(runs[0].ms, runs[2].ms),
    perCall: Math.min(runs[1].ms, runs[3].ms)
  }
}

function main(): void {
  const [dir, expected] = process.argv.slice(2)
  const mb = (bytes: number): number => bytes / 1024 / 1024
  const rssBeforeMB = mb(process.memoryUsage.rss())
  let start = performance.now()
  const files = readMatchingFiles(dir, GLOBS, mayMatter(CORPUS_CHART))
  const readMs = performance.now() - start
  start = performance.now()
  const bump = bumpRepository(
    files.texts,
    CORPUS_CHART,
    CORPUS_NEW_VERSION,
    files.unread,
    buildReader(
      { dir, readCheckoutFile: file => readCheckoutFile(dir, file) },
      files
    ),
    files.paths
  )
  const bumpMs = performance.now() - start
  // maxRSS is in kilobytes.
  const maxRssMB = process.resourceUsage().maxRSS / 1024
  if (bump.changes.length !== Number(expected)) {
    throw new Error(
      `found ${bump.changes.length} pins to bump, the corpus holds ${expected}`
    )
  }
  const glob = globDiagnostics(dir)
  const sample: ScanSample = {
    readMs,
    bumpMs,
    files: files.paths?.length ?? files.texts.size,
    kept: files.texts.size,
    changes: bump.changes.length,
    rssBeforeMB,
    maxRssMB,
    globPerCallMs: glob.perCall,
    globCompiledMs: glob.compiled
  }
  process.stdout.write(`${JSON.stringify(sample)}\n`)
}

main()
