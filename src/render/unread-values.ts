// Values that no longer apply: Helm silently ignores a value the chart does
// not read, so a key renamed by the new version keeps its old spelling in
// the GitOps repository and stops doing anything. For each place, the keys
// it sets that the old version's rendering depends on and the new one's
// does not, and those no version reads (a typo, most likely).
//
// The method is exact for what it says, never a guess from template text
// (`index`, `with`, `toYaml .Values.x`, `tpl`, subcharts and `global.` make
// static reading unsound). "Version v does not read key k" means: rendering
// the place at v with k removed (a last values file sets it to `null`, which
// Helm's coalescing deletes, default included) and with k set to a marker
// string gives the same manifests as the place's own values, and the marker
// appears nowhere. Which keys are probed is chosen statically, to keep the
// renders few: those the new version does not declare (values.yaml with
// subcharts', values.schema.json; see chart-defaults.ts); a key the new
// version still declares is not reported. Keys are probed together and a
// group that changes the output is halved (at most MAX_PROBE_RENDERS renders
// a place, under the preview's time budget); what was not decided is said.
// A key neither version reads is listed only when neither declares it (a
// disabled subchart's values are declared, and not typos).
import { errorMessage } from '../errors.js'
import { chartDefaults, type ChartDefaults } from './chart-defaults.js'
import type { Resource } from './manifests.js'
import type { RenderResult, UnreadKey, UnreadValues } from './outcome.js'
import type { PlaceChange } from './place.js'
import {
  renderPlace,
  type ChartPackages,
  type HelmTemplate,
  type RenderOptions
} from './render.js'
import {
  declares,
  MAX_KEYS,
  placeKeys,
  probedPlace,
  type Probe,
  type ValueKey
} from './values-keys.js'

/** Renders one place's probes may take, its two baselines included. */
export const MAX_PROBE_RENDERS = 24

export interface UnreadOptions extends RenderOptions {
  maxRenders?: number
  /** `all` probes every key (the benchmark's comparison), not only those the new version does not declare. */
  scope?: 'undeclared' | 'all'
}

/** The keys of `change.place` that the new version no longer reads, and those no version reads. */
export async function findUnreadValues(
  helm: HelmTemplate,
  change: PlaceChange,
  packages: ChartPackages,
  options: UnreadOptions
): Promise<UnreadValues> {
  const { place, versions } = change
  const result: UnreadValues = {
    versions,
    noLongerRead: [],
    neverRead: [],
    cuts: [],
    renders: 0
  }
  if (place.umbrella) return result
  const { keys, more } = placeKeys(place)
  if (more > 0)
    result.cuts.push(`${more} values past the first ${MAX_KEYS} not checked`)
  if (keys.length === 0) return result
  const declared = await declaredBy(packages, change)
  if ('error' in declared) {
    result.cuts.push(`values not checked: ${declared.error}`)
    return result
  }
  const candidates = keys.filter(
    key => options.scope === 'all' || !declared.new(key)
  )
  if (candidates.length === 0) return result
  const prober = new Prober(helm, change, packages, options, result)
  const atNew = await prober.unread(versions.new, candidates)
  const atOld = await prober.unread(versions.old, atNew.unread)
  const undecided = [...atNew.undecided, ...atOld.undecided]
  if (undecided.length > 0)
    result.cuts.push(`${undecided.length} values not decided: ${prober.why}`)
  const readByOld = atNew.unread.filter(
    key => !atOld.unread.includes(key) && !atOld.undecided.includes(key)
  )
  result.noLongerRead = readByOld.map(unreadKey)
  result.neverRead = atOld.unread
    .filter(key => !declared.new(key) && !declared.old(key))
    .map(unreadKey)
  return result
}

function unreadKey(key: ValueKey): UnreadKey {
  return { path: key.path, from: key.from }
}

type Declared = Record<'old' | 'new', (key: ValueKey) => boolean>

async function declaredBy(
  packages: ChartPackages,
  { place, versions }: PlaceChange
): Promise<Declared | { error: string }> {
  try {
    const old = chartDefaults(
      await packages.packagePath(place.chartRef, versions.old)
    )
    const next = chartDefaults(
      await packages.packagePath(place.chartRef, versions.new)
    )
    return { old: declaredIn(old), new: declaredIn(next) }
  } catch (error) {
    return { error: errorMessage(error) }
  }
}

function declaredIn(defaults: ChartDefaults): (key: ValueKey) => boolean {
  return key =>
    declares(defaults.values, defaults.schema, key.segments ?? setPrefix(key))
}

/** `a.b` of a `--set` path `a.b[0].c`: what a chart can declare of it. */
function setPrefix(key: ValueKey): string[] {
  return (key.path.split(/[[\\]/)[0] ?? '').split('.').filter(Boolean)
}

interface Decided {
  unread: ValueKey[]
  undecided: ValueKey[]
}

/** What one version renders of the place's values, and of probes of them. */
interface Baseline {
  result: RenderResult
  /** Resources that differ between two renders of the same values (random or time values). */
  unstable: Set<string>
}

class Prober {
  why = ''

  constructor(
    private readonly helm: HelmTemplate,
    private readonly change: PlaceChange,
    private readonly packages: ChartPackages,
    private readonly options: UnreadOptions,
    private readonly result: UnreadValues
  ) {}

  /** The keys `version` does not read, and those not decided (bounds). */
  async unread(version: string, keys: ValueKey[]): Promise<Decided> {
    if (keys.length === 0) return { unread: [], undecided: [] }
    const baseline = await this.baseline(version)
    if (!baseline) return { unread: [], undecided: keys }
    return this.split(version, baseline, keys)
  }

  private async baseline(version: string): Promise<Baseline | undefined> {
    const first = await this.render(this.change.place, version)
    const second = first && (await this.render(this.change.place, version))
    if (!first || !second) return undefined
    if ('error' in first || 'error' in second) {
      this.why = `version ${version} does not render`
      return undefined
    }
    return { result: first, unstable: unstable(first, second) }
  }

  /** Group testing: a group whose probes change nothing is unread as a whole. */
  private async split(
    version: string,
    baseline: Baseline,
    keys: ValueKey[]
  ): Promise<Decided> {
    const changed = await this.changes(version, baseline, keys)
    if (changed === undefined) return { unread: [], undecided: keys }
    if (!changed) return { unread: keys, undecided: [] }
    if (keys.length === 1) return { unread: [], undecided: [] }
    const half = Math.ceil(keys.length / 2)
    const first = await this.split(version, baseline, keys.slice(0, half))
    const second = await this.split(version, baseline, keys.slice(half))
    return {
      unread: [...first.unread, ...second.unread],
      undecided: [...first.undecided, ...second.undecided]
    }
  }

  private async changes(
    version: string,
    baseline: Baseline,
    keys: ValueKey[]
  ): Promise<boolean | undefined> {
    for (const probe of ['absent', 'marker'] as Probe[]) {
      const probed = probedPlace(this.change.place, keys, probe)
      const output = await this.render(probed.place, version)
      if (!output) return undefined
      if (differs(baseline, output, probed.markers)) return true
    }
    return false
  }

  private async render(
    place: PlaceChange['place'],
    version: string
  ): Promise<RenderResult | undefined> {
    const max = this.options.maxRenders ?? MAX_PROBE_RENDERS
    if (this.result.renders >= max) {
      this.why = `at most ${max} renders a place are spent on this check`
      return undefined
    }
    this.result.renders++
    const output = await renderPlace(
      this.helm,
      place,
      version,
      this.packages,
      this.options
    )
    if ('skip' in output && output.skip) {
      this.why = output.skip
      return undefined
    }
    return output
  }
}

function resourceId(resource: Resource): string {
  return JSON.stringify([resource.kind, resource.namespace, resource.name])
}

function unstable(first: RenderResult, second: RenderResult): Set<string> {
  if ('error' in first || 'error' in second) return new Set()
  const texts = new Map(first.resources.map(r => [resourceId(r), r.text]))
  return new Set(
    second.resources
      .filter(r => texts.get(resourceId(r)) !== r.text)
      .map(resourceId)
  )
}

/**
 * Whether a probe's render differs from the baseline: another error, other
 * resources, another text of a stable resource, or a marker anywhere.
 */
function differs(
  baseline: Baseline,
  output: RenderResult,
  markers: readonly string[]
): boolean {
  const base = baseline.result
  if ('error' in base || 'error' in output)
    return !(
      'error' in base &&
      'error' in output &&
      base.error === output.error
    )
  if (base.resources.length !== output.resources.length) return true
  for (const [index, resource] of output.resources.entries()) {
    const before = base.resources[index]
    if (!before || resourceId(before) !== resourceId(resource)) return true
    const id = resourceId(resource)
    if (!baseline.unstable.has(id) && before.text !== resource.text) return true
    if (markers.some(marker => resource.text.includes(marker))) return true
  }
  return false
}
