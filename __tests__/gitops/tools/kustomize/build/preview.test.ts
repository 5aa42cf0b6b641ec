import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import type { PinChange } from '../../../../../src/gitops/edit.js'
import { environmentPreview } from '../../../../../src/gitops/tools/kustomize/build/preview.js'
import type { EnvironmentChange } from '../../../../../src/gitops/tools/kustomize/build/report.js'
import { argoCdPlaces } from '../../../../../src/gitops/tools/argocd/places.js'
import { placesByPin } from '../../../../../src/gitops/places/index.js'

const change = (file: string): PinChange => ({
  file,
  line: 9,
  path: 'spec.chart.spec.version',
  kind: 'flux-helmrelease',
  from: '1.0.0',
  to: '1.1.0'
})
const effective = (message: string) => ({
  kind: 'HelmRelease',
  spec: { values: { ui: { message } } }
})
const row = (env: string, to?: string): EnvironmentChange => ({
  environment: `apps/${env}`,
  resource: 'HelmRelease web',
  kind: 'flux-helmrelease',
  path: 'spec.chart.spec.version',
  file: `apps/${env}/values.yaml`,
  line: 9,
  from: '1.0.0',
  ...(to ? { to } : { why: 'outside gitops-paths' }),
  effective: effective(env)
})

describe('environmentPreview', () => {
  test('a moved environment replaces the patch that moved it; one not moved adds nothing', () => {
    const other = {
      ...change('apps/other.yaml'),
      path: 'spec.source.targetRevision',
      kind: 'argocd-application'
    }
    const input = environmentPreview(
      [change('apps/staging/values.yaml'), other],
      [row('staging', '1.1.0'), row('production')],
      new Map([['apps/other.yaml', 'x']])
    )
    const name = 'apps/staging (Kustomize build: HelmRelease web)'
    expect(input.changes).toEqual([other, { ...change(name), line: 1 }])
    expect(parse(input.texts.get(name) ?? '')).toEqual(effective('staging'))
    expect([...input.texts.keys()]).toEqual(['apps/other.yaml', name])
  })
})

describe('environmentPreview of an Argo CD Application', () => {
  /** The staging Application as its build applies it: base and patch merged. */
  const merged = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'podinfo-staging', namespace: 'argocd' },
    spec: {
      source: {
        repoURL: 'ghcr.io/acme/charts',
        chart: 'podinfo',
        targetRevision: '1.0.0',
        helm: {
          releaseName: 'podinfo',
          valuesObject: { replicaCount: 2, ui: { message: 'staging' } },
          parameters: [{ name: 'ui.color', value: 'red' }]
        }
      },
      destination: { namespace: 'podinfo' }
    }
  }
  const staging: EnvironmentChange = {
    environment: 'apps/staging',
    resource: 'Application podinfo-staging (namespace argocd)',
    kind: 'argocd-application',
    path: 'spec.source.targetRevision',
    file: 'apps/staging/podinfo-source.yaml',
    line: 7,
    from: '1.0.0',
    to: '1.1.0',
    effective: merged
  }
  const patchChange: PinChange = {
    file: 'apps/staging/podinfo-source.yaml',
    line: 7,
    path: 'spec.source.targetRevision',
    kind: 'argocd-application',
    from: '1.0.0',
    to: '1.1.0'
  }

  test("the patch's change becomes the build's, of Argo CD's kind and path", () => {
    const input = environmentPreview([patchChange], [staging], new Map())
    const name =
      'apps/staging (Kustomize build: Application podinfo-staging (namespace argocd))'
    expect(input.changes).toEqual([{ ...patchChange, file: name, line: 1 }])
  })

  test("Argo CD's places render the merged Application: its values, parameters, release and namespace", () => {
    const input = environmentPreview([patchChange], [staging], new Map())
    const [places] = placesByPin([argoCdPlaces], input.changes, {
      texts: input.texts,
      readRepoFile: () => undefined,
      chartRef: 'oci://ghcr.io/acme/charts/podinfo',
      repositoryUrls: []
    })
    expect(places).toHaveLength(1)
    const [place] = places
    expect(place.skipped).toBeUndefined()
    expect(place.title).toBe('Application podinfo-staging (spec.source)')
    expect(place.releaseName).toBe('podinfo')
    expect(place.namespace).toBe('podinfo')
    expect(place.valueFiles.map(f => [f.name, parse(f.text)])).toEqual([
      ['valuesObject', { replicaCount: 2, ui: { message: 'staging' } }]
    ])
    expect(place.setValues).toEqual([
      { path: 'ui.color', value: 'red', forceString: false }
    ])
  })
})
