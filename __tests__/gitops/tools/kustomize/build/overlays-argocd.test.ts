// Kustomize overlays of Argo CD Applications (#24): an app-of-apps whose
// child Applications are patched per environment. Each environment's
// effective `spec.source.targetRevision` is a pin wherever it is written;
// the chart is matched as argocd/pins.ts matches an Application's source.
import { describe, expect, test } from 'vitest'
import { bumpBothWays } from '../../../scan/prefiltered.js'
import type { ChartRef } from '../../../../../src/gitops/scan/types.js'
import { argoAppOfApps, type ArgoLayoutOptions } from './argocd-layout.js'

const CHART: ChartRef = {
  name: 'podinfo',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}

/** The bump with only `paths` editable, every file readable. */
function bump(texts: Map<string, string>, paths = (_: string) => true) {
  const editable = new Map([...texts].filter(([file]) => paths(file)))
  const reader = { files: [...texts.keys()], read: (f: string) => texts.get(f) }
  return bumpBothWays(editable, CHART, '6.14.1', [], reader)
}

/** Every changed line of the bump, as `file: old -> new`. */
function changedLines(
  texts: Map<string, string>,
  files: Map<string, string>
): string[] {
  return [...files].flatMap(([file, after]) => {
    const a = (texts.get(file) ?? '').split('\n')
    const b = after.split('\n')
    return a.flatMap((line, i) =>
      line === b[i] ? [] : [`${file}: ${line.trim()} -> ${b[i].trim()}`]
    )
  })
}

/** Each environment as `env: file:line from -> to` or `env: from (why)`. */
function rows(result: ReturnType<typeof bump>): string[] {
  return (result.environments ?? []).map(e =>
    e.to !== undefined
      ? `${e.environment}: ${e.file}:${e.line} ${e.from} -> ${e.to}`
      : `${e.environment}: ${e.from ?? 'none'} (${e.why})`
  )
}

const STAGING = 'apps/staging/podinfo-source.yaml'
const PRODUCTION = 'apps/production/podinfo-source.yaml'
const BASE = 'apps/base/podinfo/application.yaml'

describe('Kustomize overlays of an Argo CD app-of-apps', () => {
  test.each<[string, ArgoLayoutOptions, string[], string[]]>([
    [
      'both environments pinned in their patches: both patches move',
      { staging: '6.10.0', production: '6.10.0' },
      [
        `${PRODUCTION}: targetRevision: 6.10.0 -> targetRevision: 6.14.1`,
        `${STAGING}: targetRevision: 6.10.0 -> targetRevision: 6.14.1`
      ],
      [
        `apps/production: ${PRODUCTION}:7 6.10.0 -> 6.14.1`,
        `apps/staging: ${STAGING}:7 6.10.0 -> 6.14.1`
      ]
    ],
    [
      'pinned in the base only: the base moves both environments',
      { base: '6.10.0' },
      [`${BASE}: targetRevision: 6.10.0 -> targetRevision: 6.14.1`],
      [
        `apps/production: ${BASE}:11 6.10.0 -> 6.14.1`,
        `apps/staging: ${BASE}:11 6.10.0 -> 6.14.1`
      ]
    ],
    [
      'pinned in both: the patches move, the base that applies nowhere stays',
      { base: '6.9.0', staging: '6.10.0', production: '6.10.0' },
      [
        `${PRODUCTION}: targetRevision: 6.10.0 -> targetRevision: 6.14.1`,
        `${STAGING}: targetRevision: 6.10.0 -> targetRevision: 6.14.1`
      ],
      [
        `apps/production: ${PRODUCTION}:7 6.10.0 -> 6.14.1`,
        `apps/staging: ${STAGING}:7 6.10.0 -> 6.14.1`
      ]
    ],
    [
      'the oci:// form of repoURL is the same chart',
      {
        staging: '6.10.0',
        production: '6.10.0',
        repoURL: 'oci://ghcr.io/acme/charts'
      },
      [
        `${PRODUCTION}: targetRevision: 6.10.0 -> targetRevision: 6.14.1`,
        `${STAGING}: targetRevision: 6.10.0 -> targetRevision: 6.14.1`
      ],
      [
        `apps/production: ${PRODUCTION}:7 6.10.0 -> 6.14.1`,
        `apps/staging: ${STAGING}:7 6.10.0 -> 6.14.1`
      ]
    ],
    [
      'a repoURL of another registry: no pin, no environment',
      { staging: '6.10.0', repoURL: 'ghcr.io/other/charts' },
      [],
      []
    ]
  ])('%s', (_, options, lines, environments) => {
    const texts = argoAppOfApps(options)
    const result = bump(texts)
    expect(changedLines(texts, result.files).sort()).toEqual(lines)
    expect(rows(result)).toEqual(environments)
    // A base whose every environment sets the version is not "not set".
    expect(result.problems).toEqual([])
  })

  test('each environment is named as the build names its Application', () => {
    const result = bump(argoAppOfApps({ staging: '6.10.0', production: '1' }))
    expect(result.environments?.map(e => [e.resource, e.kind, e.path])).toEqual(
      [
        [
          'Application podinfo-production (namespace argocd)',
          'argocd-application',
          'spec.source.targetRevision'
        ],
        [
          'Application podinfo-staging (namespace argocd)',
          'argocd-application',
          'spec.source.targetRevision'
        ]
      ]
    )
  })

  test('pinned in both: the base is left alone, saying every environment overrides it', () => {
    const result = bump(
      argoAppOfApps({ base: '6.9.0', staging: '6.10.0', production: '6.10.0' })
    )
    expect(result.skipped).toEqual([
      expect.objectContaining({
        file: BASE,
        path: 'spec.source.targetRevision',
        value: '6.9.0',
        reason: expect.stringContaining(
          `every Kustomize build that includes it overrides it with a patch: apps/production (${PRODUCTION} line 7), apps/staging (${STAGING} line 7)`
        )
      })
    ])
  })

  test('gitops-paths apps/staging/**: staging alone moves; production is named outside gitops-paths', () => {
    const texts = argoAppOfApps({ staging: '6.10.0', production: '6.10.0' })
    const result = bump(texts, file => file.startsWith('apps/staging/'))
    expect(changedLines(texts, result.files)).toEqual([
      `${STAGING}: targetRevision: 6.10.0 -> targetRevision: 6.14.1`
    ])
    expect(rows(result)).toEqual([
      `apps/production: 6.10.0 (${PRODUCTION} is outside gitops-paths)`,
      `apps/staging: ${STAGING}:7 6.10.0 -> 6.14.1`
    ])
  })

  test('a native OCI source (repoURL is the chart, no chart key): the patches are argocd-oci pins', () => {
    const texts = argoAppOfApps({
      staging: '6.10.0',
      production: '6.10.0',
      repoURL: 'oci://ghcr.io/acme/charts/podinfo',
      chart: null
    })
    const result = bump(texts)
    expect(result.changes.map(c => [c.file, c.kind, c.to])).toEqual([
      [STAGING, 'argocd-oci', '6.14.1'],
      [PRODUCTION, 'argocd-oci', '6.14.1']
    ])
  })

  test('a JSON 6902 patch of /spec/source/targetRevision is a pin too', () => {
    const texts = argoAppOfApps({ base: '6.9.0' })
    texts.set(
      'apps/production/kustomization.yaml',
      (texts.get('apps/production/kustomization.yaml') ?? '').replace(
        'podinfo-source.yaml',
        'podinfo-version.yaml'
      )
    )
    texts.set(
      'apps/production/podinfo-version.yaml',
      '- op: replace\n  path: /spec/source/targetRevision\n  value: 6.10.0\n'
    )
    const result = bump(texts)
    expect(changedLines(texts, result.files).sort()).toEqual([
      'apps/base/podinfo/application.yaml: targetRevision: 6.9.0 -> targetRevision: 6.14.1',
      'apps/production/podinfo-version.yaml: value: 6.10.0 -> value: 6.14.1'
    ])
    expect(rows(result)).toEqual([
      'apps/production: apps/production/podinfo-version.yaml:3 6.10.0 -> 6.14.1',
      `apps/staging: ${BASE}:11 6.9.0 -> 6.14.1`
    ])
  })

  test('a patch that points one environment at another chart: named, not moved', () => {
    const texts = argoAppOfApps({ base: '6.10.0' })
    texts.set(
      PRODUCTION,
      (texts.get(PRODUCTION) ?? '').replace(
        '  source:\n',
        '  source:\n    chart: other\n'
      )
    )
    const result = bump(texts)
    expect(rows(result)).toEqual([
      'apps/production: 6.10.0 (a patch makes it install another chart, or from another source)',
      `apps/staging: ${BASE}:11 6.10.0 -> 6.14.1`
    ])
  })

  test('a patch of spec.sources (several sources) is said, and that environment is not claimed to move', () => {
    const texts = argoAppOfApps({ base: '6.10.0' })
    texts.set(
      STAGING,
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        'metadata: {name: podinfo}',
        'spec:',
        '  sources:',
        '    - {repoURL: ghcr.io/acme/charts, chart: podinfo, targetRevision: 6.10.0}',
        ''
      ].join('\n')
    )
    const result = bump(texts)
    expect(result.buildNotes).toEqual([
      expect.objectContaining({
        file: 'apps/staging/kustomization.yaml',
        message: expect.stringContaining(
          'it patches spec.sources of Application podinfo (namespace argocd); an Application with several sources is not followed through overlays'
        )
      })
    ])
    expect(rows(result)).toEqual([
      `apps/production: ${BASE}:11 6.10.0 -> 6.14.1`,
      'apps/staging: 6.10.0 (spec.sources is set, so Argo CD installs its sources and ignores spec.source; several sources are not followed through overlays)'
    ])
  })
})
