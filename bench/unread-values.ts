// Recall and precision of "values that no longer apply" (src/render/
// unread-values.ts) on real charts' history. From a fetched mirror of a
// public chart repository (default: prometheus-community/helm-charts), it
// finds commits where keys left a chart's values.yaml, extracts the chart
// before and after with `git archive` (nothing of the charts is committed
// here), packages both with the real Helm 4, and sets, in one place, the
// removed keys (the user who kept the old spelling), up to four keys both
// versions keep, and one misspelt key. Three answers are compared:
//
// - oracle: each key probed alone at both versions (removed, then a marker;
//   the definition of "read" the module uses), with no static filter and no
//   grouping: exact by definition, and the most renders;
// - shipped: findUnreadValues as the preview runs it (only keys the new
//   version does not declare, grouped, at most MAX_PROBE_RENDERS renders);
// - static: "declared by the old version, not by the new one" alone.
//
// Usage: bash scripts/with-node24.sh tsx bench/unread-values.ts
//   [--mirror <git dir>] [--pairs N] [--out <file>] [--write]
// Prints the BENCHMARKS.md section; `--out` writes it to a file, `--write`
// replaces it in BENCHMARKS.md (which `npm run bench` keeps).
import fs from 'node:fs'
import path from 'node:path'
import * as prettier from 'prettier'
import {
  HELM4,
  realHelm,
  removeDir,
  repoRoot,
  tempDir
} from '../__tests__/helpers/paths.js'
import { probeIsolation } from '../src/helm/isolation.js'
import { IsolatedHelm } from '../src/helm/template.js'
import type { RenderPlace } from '../src/render/place.js'
import { renderPlace } from '../src/render/render.js'
import { findUnreadValues } from '../src/render/unread-values.js'
import { declares, probedPlace } from '../src/render/values-keys.js'
import { UNREAD_VALUES_HEADING, withSection } from './kept-sections.js'
import {
  buildCase,
  DEFAULT_MIRROR,
  findPairs,
  git,
  MAX_REMOVED,
  type Case
} from './unread-values-cases.js'

/** Why the place does not render at a version (its defaults need more), or undefined. */
async function doesNotRender(
  helm: IsolatedHelm,
  c: Case,
  workDir: string
): Promise<string | undefined> {
  for (const version of ['old', 'new']) {
    const result = await renderPlace(helm, c.place, version, c.packages, {
      workDir
    })
    if ('error' in result)
      return `the ${version} version does not render: ${result.error.split('\n')[0]?.slice(0, 160)}`
  }
  return undefined
}

/** Whether `version` reads each key: the key alone removed, then a marker (the oracle). */
async function readKeys(
  helm: IsolatedHelm,
  c: Case,
  version: string,
  workDir: string,
  count: { renders: number }
): Promise<Set<string>> {
  const render = async (place: RenderPlace) => {
    count.renders++
    return JSON.stringify(
      await renderPlace(helm, place, version, c.packages, { workDir })
    )
  }
  const base = await render(c.place)
  const read = new Set<string>()
  for (const key of c.keys) {
    for (const probe of ['absent', 'marker'] as const) {
      const probed = probedPlace(c.place, [key], probe)
      const text = await render(probed.place)
      if (text !== base || probed.markers.some(m => text.includes(m))) {
        read.add(key.path)
        break
      }
    }
  }
  return read
}

interface Score {
  tp: number
  fp: number
  fn: number
}

const score = (): Score => ({ tp: 0, fp: 0, fn: 0 })

function add(s: Score, truth: Set<string>, found: Set<string>) {
  for (const k of found)
    if (truth.has(k)) s.tp++
    else s.fp++
  for (const k of truth) if (!found.has(k)) s.fn++
}

function ratio(n: number, d: number): string {
  return d === 0 ? '—' : `${((100 * n) / d).toFixed(0)}% (${n}/${d})`
}

async function main() {
  const args = process.argv.slice(2)
  const option = (name: string) => {
    const i = args.indexOf(name)
    return i >= 0 ? args[i + 1] : undefined
  }
  const mirror = option('--mirror') ?? DEFAULT_MIRROR
  const maxPairs = Number(option('--pairs') ?? '8')
  const root = tempDir('hor-bench-unread-')
  const binary = realHelm(HELM4)
  const helm = new IsolatedHelm(
    binary,
    HELM4,
    await probeIsolation(binary, root),
    root
  )
  const head = git(mirror, ['rev-parse', 'HEAD']).trim()
  const rows: string[] = []
  const shipped = { gone: score(), typo: score(), renders: 0 }
  const fromStatic = score()
  const oracle = { renders: 0, positives: 0, typos: 0 }
  const skipped: string[] = []
  let keysSet = 0
  const started = performance.now()
  try {
    for (const [index, pair] of findPairs(mirror, maxPairs).entries()) {
      const work = path.join(root, `case-${index}`)
      const c = buildCase(mirror, pair, work)
      const broken = await doesNotRender(helm, c, work)
      if (broken) {
        skipped.push(`${pair.chart} \`${pair.commit.slice(0, 10)}\`: ${broken}`)
        removeDir(work)
        continue
      }
      keysSet += c.keys.length
      const count = { renders: 0 }
      const truthGone = new Set<string>()
      const truthTypo = new Set<string>()
      const readNew = await readKeys(helm, c, 'new', work, count)
      const readOld = await readKeys(helm, c, 'old', work, count)
      for (const key of c.keys) {
        const atNew = readNew.has(key.path)
        const atOld = readOld.has(key.path)
        const segments = key.segments ?? []
        const undeclared =
          !declares(c.oldDefaults.values, c.oldDefaults.schema, segments) &&
          !declares(c.newDefaults.values, c.newDefaults.schema, segments)
        if (atOld && !atNew) truthGone.add(key.path)
        if (!atOld && !atNew && undeclared) truthTypo.add(key.path)
      }
      oracle.renders += count.renders
      oracle.positives += truthGone.size
      oracle.typos += truthTypo.size
      const found = await findUnreadValues(
        helm,
        { place: c.place, versions: { old: 'old', new: 'new' } },
        c.packages,
        { workDir: work }
      )
      shipped.renders += found.renders
      const gone = new Set(found.noLongerRead.map(k => k.path))
      add(shipped.gone, truthGone, gone)
      add(shipped.typo, truthTypo, new Set(found.neverRead.map(k => k.path)))
      const staticGone = new Set(
        [...c.removed].filter(k => c.keys.some(key => key.path === k))
      )
      add(fromStatic, truthGone, staticGone)
      rows.push(
        `| ${pair.chart} | \`${pair.parent.slice(0, 10)}\` → \`${pair.commit.slice(0, 10)}\` | ${c.keys.length} | ${[...c.removed].map(k => `\`${k}\``).join(', ')} | ${[...truthGone].map(k => `\`${k}\``).join(', ') || '—'} | ${[...gone].map(k => `\`${k}\``).join(', ') || '—'} | ${found.neverRead.map(k => `\`${k.path}\``).join(', ') || '—'} | ${found.renders} | ${count.renders} |${found.cuts.length ? ` ${found.cuts.join('; ')}` : ''}`
      )
      process.stderr.write(`${rows[rows.length - 1]}\n`)
      removeDir(work)
    }
  } finally {
    removeDir(root)
  }
  const minutes = ((performance.now() - started) / 60_000).toFixed(1)
  const precision = (s: Score) => ratio(s.tp, s.tp + s.fp)
  const recall = (s: Score) => ratio(s.tp, s.tp + s.fn)
  const text = [
    UNREAD_VALUES_HEADING,
    '',
    `<!-- Written by \`bench/unread-values.ts\` (not by \`npm run bench\`): run it again to update. -->`,
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`bench/unread-values.ts\` (${minutes} min) on prometheus-community/helm-charts at \`${head.slice(0, 12)}\`, Helm ${HELM4}: the newest commit of each dependency-free chart where 1 to ${MAX_REMOVED} keys left its values.yaml and the old templates name one of them (\`.Values.<key>\`: a rename or a removal, not a dead default), the chart before and after extracted with \`git archive\` and packaged. One place per commit sets the removed keys (a user who kept the old spelling), up to 4 keys both versions keep, and one misspelt key (the last segment of a kept key with an \`x\` added).`,
    '',
    'The truth is the oracle: each key probed alone at both versions, removed and then set to a marker, with no static filter and no grouping (the definition of "read" the module uses: the rendering depends on the key). "No longer read" = read by the old version, not by the new one; "no version reads" = read by neither and declared by neither.',
    '',
    '| answer | no longer read: recall | precision | no version reads: recall | precision | renders |',
    '| --- | --- | --- | --- | --- | --- |',
    `| shipped: probe the keys the new version does not declare, grouped (\`findUnreadValues\`) | ${recall(shipped.gone)} | ${precision(shipped.gone)} | ${recall(shipped.typo)} | ${precision(shipped.typo)} | ${shipped.renders} |`,
    `| static: declared by the old values.yaml, not by the new one | ${recall(fromStatic)} | ${precision(fromStatic)} | — | — | 0 |`,
    `| oracle: every key alone, both versions | ${oracle.positives} keys | — | ${oracle.typos} keys | — | ${oracle.renders} |`,
    '',
    `${rows.length} commits, ${keysSet} keys set. The oracle shares the module's definition of "read", so the figures measure what the shipped answer loses to its static filter (a key the new version still declares but no longer reads is not probed) and to its grouping, not the definition itself. The static answer alone is not exact: a key leaves values.yaml whether or not the old version read it with these values (a PodSecurityPolicy behind \`.Capabilities\`, a feature disabled by default), and its precision above counts those.`,
    '',
    '| chart | commits | keys set | removed from values.yaml | oracle: no longer read | shipped: no longer read | shipped: no version reads | shipped renders | oracle renders |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(skipped.length
      ? [
          'Commits left out (the place does not render, so nothing can be probed):',
          '',
          ...skipped.map(line => `- ${line}`),
          ''
        ]
      : [])
  ].join('\n')
  const out = option('--out')
  if (out) fs.writeFileSync(out, text)
  if (args.includes('--write')) {
    const file = path.join(repoRoot, 'BENCHMARKS.md')
    const before = fs.readFileSync(file, 'utf8')
    const section = await prettier.format(text, {
      ...(await prettier.resolveConfig(file)),
      parser: 'markdown'
    })
    fs.writeFileSync(file, withSection(before, UNREAD_VALUES_HEADING, section))
  }
  process.stdout.write(text)
}

await main()
