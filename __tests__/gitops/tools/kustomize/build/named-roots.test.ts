// The folders Flux and Argo CD are told to build are environments, even when
// another kustomization includes them too.
import { describe, expect, test } from 'vitest'
import { namedRoots } from '../../../../../src/gitops/tools/kustomize/build/named-roots.js'
import { buildAll } from '../../../../../src/gitops/tools/kustomize/build/tree.js'

const reader = (files: Record<string, string>) => ({
  files: Object.keys(files),
  read: (file: string) => files[file]
})

const fluxKustomization = (path: string): string =>
  [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata: {name: apps, namespace: flux-system}',
    'spec:',
    '  interval: 10m',
    `  path: ${path}`,
    '  sourceRef: {kind: GitRepository, name: flux-system}',
    ''
  ].join('\n')

const application = (source: string[]): string =>
  [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata: {name: apps, namespace: argocd}',
    'spec:',
    ...source,
    ''
  ].join('\n')

describe('namedRoots', () => {
  test.each<[string, string, string[]]>([
    [
      'a Flux Kustomization',
      fluxKustomization('./apps/staging'),
      ['apps/staging']
    ],
    [
      'a trailing slash and dots',
      fluxKustomization('./apps/../apps/prod/'),
      ['apps/prod']
    ],
    ['the source root', fluxKustomization('./'), ['']],
    [
      "an Argo CD Application's source path",
      application([
        '  source: {repoURL: https://git.example/fleet, path: envs/prod}'
      ]),
      ['envs/prod']
    ],
    [
      "each of an Argo CD Application's sources with a path",
      application([
        '  sources:',
        '    - {repoURL: https://git.example/fleet, path: envs/a}',
        '    - {repoURL: oci://ghcr.io/acme, chart: web, targetRevision: 1.0.0}',
        '    - {repoURL: https://git.example/fleet, path: envs/b}'
      ]),
      ['envs/a', 'envs/b']
    ],
    [
      'a Helm chart source (its path is in the chart repository)',
      application([
        '  source: {repoURL: https://charts.example, chart: web, path: x}'
      ]),
      []
    ],
    ['a path that leaves the repository', fluxKustomization('../other'), []],
    [
      'a templated path (ApplicationSet)',
      application(['  source: {path: "{{path}}"}']),
      []
    ],
    [
      'an alias is not followed',
      'a: &p apps/x\n' + fluxKustomization('*p'),
      []
    ],
    [
      'another kind with a path',
      'apiVersion: v1\nkind: ConfigMap\nspec: {path: apps/x}\n',
      []
    ]
  ])('%s', (_name, text, expected) => {
    expect([...namedRoots(reader({ 'clusters/x.yaml': text }))]).toEqual(
      expected
    )
  })

  test('a file that does not parse names nothing, and the others still do', () => {
    const named = namedRoots(
      reader({
        'a.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: [\n',
        'b.yaml': fluxKustomization('apps/b')
      })
    )
    expect([...named]).toEqual(['apps/b'])
  })
})

describe('a named folder is a root, even when included', () => {
  const release = (env: string, version: string): string =>
    [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      `metadata: {name: web, namespace: ${env}}`,
      'spec:',
      '  chart:',
      '    spec:',
      '      chart: web',
      `      version: ${version}`,
      '      sourceRef: {kind: HelmRepository, name: charts}',
      ''
    ].join('\n')
  // An aggregate kustomization includes both environments; Flux builds each.
  const files = {
    'apps/kustomization.yaml': 'resources: [staging, production]\n',
    'apps/staging/kustomization.yaml': 'resources: [release.yaml]\n',
    'apps/staging/release.yaml': release('staging', '1.1.0'),
    'apps/production/kustomization.yaml': 'resources: [release.yaml]\n',
    'apps/production/release.yaml': release('production', '1.0.0'),
    'clusters/staging/apps.yaml': fluxKustomization('./apps/staging'),
    'clusters/production/apps.yaml': fluxKustomization('./apps/production')
  }

  test('without the tools named, only the kustomization no other includes', () => {
    const builds = buildAll(reader(files))
    expect(builds.environments.map(env => env.root)).toEqual(['apps'])
  })

  test('with them, each folder Flux builds is an environment too', () => {
    const builds = buildAll(reader(files), namedRoots(reader(files)))
    expect(
      builds.environments.map(env => [
        env.root,
        env.resources.map(
          r =>
            `${r.namespace}/${r.name} ${r.fields['spec.chart.spec.version']?.value}`
        )
      ])
    ).toEqual([
      ['apps', ['staging/web 1.1.0', 'production/web 1.0.0']],
      ['apps/production', ['production/web 1.0.0']],
      ['apps/staging', ['staging/web 1.1.0']]
    ])
  })
})
