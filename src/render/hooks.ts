// Helm hooks the place's GitOps tool does not apply are left out of the
// preview: a test Pod named with `randAlphaNum` would otherwise show as
// "added" and "removed" on every bump. A hook's events are the
// comma-separated `helm.sh/hook` annotation, each trimmed and lowercased, as
// Helm reads it (pkg/release/v1/util/manifest_sorter.go, v4.2.3; Helm 3.17.3's
// pkg/releaseutil/manifest_sorter.go): `test` and Helm 2's `test-success`
// are the test event; Helm prints no hook with an event it does not know
// (`test-failure`), which is counted as a test here all the same.
import type { Resource } from './manifests.js'
import type { HookFilter } from './place.js'

const TEST_EVENTS: ReadonlySet<string> = new Set([
  'test',
  'test-success',
  'test-failure'
])

/** A hook annotation's events, as Helm splits them; empty ones dropped. */
export function hookEvents(annotation: string): string[] {
  return annotation
    .split(',')
    .map(event => event.trim().toLowerCase())
    .filter(event => event !== '')
}

/**
 * Whether a resource with this hook annotation (undefined: not a hook) is
 * left out under `filter`: `tests` — every event a test (a hook also bound
 * to `pre-install` still runs there); `skip-tests` — any event a test, as
 * `helm template --skip-tests` (pkg/cmd/template.go, isTestHook); `no-hooks`
 * — every hook, as `--no-hooks`.
 */
export function leftOut(
  hook: string | undefined,
  filter: HookFilter['which']
): boolean {
  if (hook === undefined) return false
  if (filter === 'no-hooks') return true
  const events = hookEvents(hook)
  if (events.length === 0) return false
  const tests = events.filter(event => TEST_EVENTS.has(event))
  return filter === 'skip-tests'
    ? tests.length > 0
    : tests.length === events.length
}

/** The resources the tool applies, and a note when some were left out. */
export function applicableResources(
  resources: readonly Resource[],
  filter: HookFilter | undefined
): { resources: Resource[]; notes: string[] } {
  if (!filter) return { resources: [...resources], notes: [] }
  const kept = resources.filter(r => !leftOut(r.hook, filter.which))
  if (kept.length === resources.length) return { resources: kept, notes: [] }
  const what = filter.which === 'no-hooks' ? 'Helm hooks' : 'Helm test hooks'
  return { resources: kept, notes: [`${what} not shown: ${filter.why}`] }
}
