// The cases of bench/unread-values.ts: commits of a fetched chart
// repository where keys left a chart's values.yaml, each chart extracted
// before and after with `git archive` (nothing of it is committed here) and
// packaged with the real Helm, and one place that sets the removed keys, up
// to four kept ones and one misspelt key.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { HELM4, realHelm } from '../__tests__/helpers/paths.js'
import { chartDefaults } from '../src/render/chart-defaults.js'
import type { RenderPlace } from '../src/render/place.js'
import type { ChartPackages } from '../src/render/render.js'
import {
  declares,
  placeKeys,
  type ValueKey
} from '../src/render/values-keys.js'

export const DEFAULT_MIRROR =
  '/work/.mirror/prometheus-community+helm-charts/repo'
const CHARTS = [
  'prometheus-node-exporter',
  'kube-state-metrics',
  'prometheus-pushgateway',
  'alertmanager',
  'prometheus-blackbox-exporter',
  'prometheus-adapter',
  'prometheus-postgres-exporter',
  'prometheus-mysql-exporter',
  'prometheus-redis-exporter',
  'prometheus-snmp-exporter'
]
/** Pairs taken per chart at most, newest first, so that no chart dominates. */
const PAIRS_PER_CHART = 1
/** Keys removed in one commit, at most: a larger rewrite is not a rename. */
export const MAX_REMOVED = 6

export interface Pair {
  chart: string
  commit: string
  parent: string
}

interface Leaf {
  segments: string[]
  value: unknown
}

export function git(mirror: string, args: string[]): string {
  return execFileSync('git', ['-C', mirror, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024
  })
}

function show(
  mirror: string,
  commit: string,
  file: string
): string | undefined {
  try {
    return git(mirror, ['show', `${commit}:${file}`])
  } catch {
    return undefined
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function leaves(value: unknown, at: string[] = []): Leaf[] {
  if (!isMap(value) || Object.keys(value).length === 0)
    return at.length ? [{ segments: at, value }] : []
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]))
}

function yamlOf(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = parse(text ?? '')
    return isMap(value) ? value : {}
  } catch {
    return {}
  }
}

/** A chart with no dependencies at `commit` (the bench renders it without a registry). */
function standalone(mirror: string, commit: string, chart: string): boolean {
  const chartYaml = yamlOf(show(mirror, commit, `charts/${chart}/Chart.yaml`))
  return (
    !Array.isArray(chartYaml.dependencies) &&
    show(mirror, commit, `charts/${chart}/requirements.yaml`) === undefined
  )
}

function removedLeaves(mirror: string, pair: Pair): Leaf[] {
  const file = `charts/${pair.chart}/values.yaml`
  const oldValues = yamlOf(show(mirror, pair.parent, file))
  const newValues = yamlOf(show(mirror, pair.commit, file))
  const schemaFile = `charts/${pair.chart}/values.schema.json`
  const newSchema = jsonOf(show(mirror, pair.commit, schemaFile))
  return leaves(oldValues).filter(
    leaf => !declares(newValues, newSchema, leaf.segments)
  )
}

function jsonOf(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? '{}')
    return isMap(value) ? value : {}
  } catch {
    return {}
  }
}

/** Whether the old version's templates name `.Values.<key>`: a rename, not a dead default. */
function namedByTemplates(mirror: string, pair: Pair, leaf: Leaf): boolean {
  const needle = `.Values.${leaf.segments.join('.')}`
  try {
    git(mirror, [
      'grep',
      '-q',
      '-F',
      needle,
      pair.parent,
      '--',
      `charts/${pair.chart}/templates`
    ])
    return true
  } catch {
    return false
  }
}

export function findPairs(mirror: string, max: number): Pair[] {
  const pairs: Pair[] = []
  for (const chart of CHARTS) {
    const log = git(mirror, [
      'log',
      '--format=%H %P',
      '--',
      `charts/${chart}/values.yaml`
    ])
    let taken = 0
    for (const line of log.trim().split('\n')) {
      const [commit, parent, other] = line.split(' ')
      if (!commit || !parent || other) continue
      const pair = { chart, commit, parent }
      if (!standalone(mirror, commit, chart)) continue
      if (!standalone(mirror, parent, chart)) continue
      const removed = removedLeaves(mirror, pair)
      if (removed.length < 1 || removed.length > MAX_REMOVED) continue
      if (!removed.some(leaf => namedByTemplates(mirror, pair, leaf))) continue
      pairs.push(pair)
      if (++taken >= PAIRS_PER_CHART || pairs.length >= max) break
    }
    if (pairs.length >= max) break
  }
  return pairs
}

/**
 * The value the place sets: the default itself (a value the chart accepts;
 * the probes, not the value, tell whether it is read), an entry in an empty
 * map or list.
 */
function userValue(value: unknown): unknown {
  if (Array.isArray(value) && value.length === 0) return ['bench']
  if (isMap(value) && Object.keys(value).length === 0) return { bench: 'x' }
  return value ?? 'bench'
}

function setIn(
  tree: Record<string, unknown>,
  segments: string[],
  value: unknown
) {
  let node = tree
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment]
    node = isMap(next) ? next : (node[segment] = {})
  }
  node[segments[segments.length - 1] ?? ''] = value
}

function extract(mirror: string, commit: string, chart: string, into: string) {
  fs.mkdirSync(into, { recursive: true })
  const tar = execFileSync(
    'git',
    ['-C', mirror, 'archive', '--format=tar', commit, `charts/${chart}`],
    { maxBuffer: 256 * 1024 * 1024 }
  )
  execFileSync('tar', ['-x', '-C', into], { input: tar })
  return path.join(into, 'charts', chart)
}

function packageChart(dir: string, out: string): string {
  fs.mkdirSync(out, { recursive: true })
  const printed = execFileSync(realHelm(HELM4), ['package', dir, '-d', out], {
    encoding: 'utf8'
  })
  const found = /saved it to: (.*\.tgz)/.exec(printed)?.[1]
  if (!found) throw new Error(`helm package printed no path: ${printed}`)
  return found.trim()
}

export interface Case {
  pair: Pair
  place: RenderPlace
  keys: ValueKey[]
  /** Keys of the old values.yaml the new one does not declare. */
  removed: Set<string>
  typo: string
  packages: ChartPackages
  oldDefaults: ReturnType<typeof chartDefaults>
  newDefaults: ReturnType<typeof chartDefaults>
}

export function buildCase(mirror: string, pair: Pair, work: string): Case {
  const dirs = {
    old: extract(mirror, pair.parent, pair.chart, path.join(work, 'old')),
    new: extract(mirror, pair.commit, pair.chart, path.join(work, 'new'))
  }
  const paths = {
    old: packageChart(dirs.old, path.join(work, 'pkg-old')),
    new: packageChart(dirs.new, path.join(work, 'pkg-new'))
  }
  const oldDefaults = chartDefaults(paths.old)
  const newDefaults = chartDefaults(paths.new)
  const removed = removedLeaves(mirror, pair)
  const kept = leaves(oldDefaults.values)
    .filter(l => declares(newDefaults.values, newDefaults.schema, l.segments))
    .filter(l => typeof l.value === 'string' || typeof l.value === 'number')
    .slice(0, 4)
  const values: Record<string, unknown> = {}
  for (const leaf of [...removed, ...kept])
    setIn(values, leaf.segments, userValue(leaf.value))
  const base = kept[0]?.segments ?? removed[0]?.segments ?? ['replicas']
  const typoSegments = [...base.slice(0, -1), `${base[base.length - 1]}x`]
  setIn(values, typoSegments, 'bench')
  const place: RenderPlace = {
    file: `${pair.chart}.yaml`,
    line: 1,
    title: pair.chart,
    chartRef: `oci://bench/${pair.chart}`,
    releaseName: 'bench',
    namespace: 'bench',
    valueFiles: [{ name: 'values', text: JSON.stringify(values) }],
    setValues: [],
    includeCrds: true,
    apiVersions: [],
    notes: []
  }
  return {
    pair,
    place,
    keys: placeKeys(place).keys,
    removed: new Set(removed.map(l => l.segments.join('.'))),
    typo: typoSegments.join('.'),
    packages: {
      packagePath: (_ref, version) =>
        Promise.resolve(version === 'old' ? paths.old : paths.new)
    },
    oldDefaults,
    newDefaults
  }
}
