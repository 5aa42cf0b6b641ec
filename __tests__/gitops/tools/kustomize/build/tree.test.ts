// Kustomize builds over a repository's files: what each root builds, the
// effective version of each HelmRelease and who wrote it, and what is not
// followed (said, never guessed).
import { describe, expect, test } from 'vitest'
import {
  buildAll,
  localPath,
  type Builds
} from '../../../../../src/gitops/tools/kustomize/build/tree.js'

const release = (name = 'web', extra: string[] = []): string =>
  [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    `  name: ${name}`,
    '  labels: {tier: front}',
    'spec:',
    '  chart:',
    '    spec:',
    '      chart: web',
    '      version: 1.0.0',
    '      sourceRef: {kind: HelmRepository, name: charts}',
    ...extra,
    ''
  ].join('\n')

const patchOf = (...lines: string[]): string =>
  [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata: {name: web}',
    ...lines,
    ''
  ].join('\n')

const kustomization = (...lines: string[]): string => lines.join('\n') + '\n'

function build(files: Record<string, string>): Builds {
  return buildAll({
    files: Object.keys(files),
    read: file => files[file]
  })
}

/** Each environment's HelmReleases as `env name version@file:line`. */
function versions(builds: Builds): string[] {
  return builds.environments.flatMap(env =>
    env.resources.map(r => {
      const v = r.fields['spec.chart.spec.version']
      return `${env.root} ${r.name} ${v ? `${v.value}@${v.file}:${v.line}` : 'unset'}`
    })
  )
}

const BASE = {
  'base/kustomization.yaml': kustomization('resources:', '  - release.yaml'),
  'base/release.yaml': release()
}

describe('the effective version, after each kind of patch', () => {
  test.each([
    [
      'a strategic-merge patch by path, with a target',
      kustomization(
        'resources: [../base]',
        'patches:',
        '  - path: p.yaml',
        '    target: {kind: HelmRelease}'
      ),
      patchOf('spec:', '  chart:', '    spec:', '      version: 2.0.0'),
      ['env web 2.0.0@env/p.yaml:7']
    ],
    [
      'a strategic-merge patch without target matches by its own id',
      kustomization('resources: [../base]', 'patches:', '  - path: p.yaml'),
      patchOf('spec: {chart: {spec: {version: 2.0.0}}}'),
      ['env web 2.0.0@env/p.yaml:4']
    ],
    [
      'patchesStrategicMerge by path',
      kustomization('resources: [../base]', 'patchesStrategicMerge: [p.yaml]'),
      patchOf('spec: {chart: {spec: {version: 2.0.0}}}'),
      ['env web 2.0.0@env/p.yaml:4']
    ],
    [
      'a patch that names another release changes nothing',
      kustomization('resources: [../base]', 'patches:', '  - path: p.yaml'),
      patchOf('spec: {chart: {spec: {version: 2.0.0}}}').replace(
        'name: web',
        'name: api'
      ),
      ['env web 1.0.0@base/release.yaml:10']
    ],
    [
      'version: null deletes it',
      kustomization('resources: [../base]', 'patches:', '  - path: p.yaml'),
      patchOf('spec: {chart: {spec: {version: null}}}'),
      ['env web unset']
    ],
    [
      '$patch: replace on spec.chart.spec drops what the patch does not set',
      kustomization('resources: [../base]', 'patches:', '  - path: p.yaml'),
      patchOf('spec: {chart: {spec: {$patch: replace, chart: web}}}'),
      ['env web unset']
    ],
    [
      '$patch: delete at the root deletes the resource',
      kustomization('resources: [../base]', 'patches:', '  - path: p.yaml'),
      patchOf('$patch: delete'),
      []
    ],
    [
      'a JSON 6902 replace, by patchesJson6902',
      kustomization(
        'resources: [../base]',
        'patchesJson6902:',
        '  - path: p.yaml',
        '    target: {group: helm.toolkit.fluxcd.io, version: v2, kind: HelmRelease, name: web}'
      ),
      '- op: replace\n  path: /spec/chart/spec/version\n  value: 3.0.0\n',
      ['env web 3.0.0@env/p.yaml:3']
    ],
    [
      'a JSON 6902 patch in `patches` is told by its shape',
      kustomization(
        'resources: [../base]',
        'patches:',
        '  - path: p.json',
        '    target: {kind: HelmRelease, name: w.*}'
      ),
      '[{"op": "add", "path": "/spec/chart/spec/version", "value": "3.1.0"}]',
      ['env web 3.1.0@env/p.json:1']
    ],
    [
      'a JSON 6902 remove',
      kustomization(
        'resources: [../base]',
        'patches:',
        '  - path: p.yaml',
        '    target: {kind: HelmRelease}'
      ),
      '- op: remove\n  path: /spec/chart/spec/version\n',
      ['env web unset']
    ],
    [
      'a JSON 6902 replace of spec.chart sets what its value holds',
      kustomization(
        'resources: [../base]',
        'patches:',
        '  - path: p.yaml',
        '    target: {kind: HelmRelease}'
      ),
      '- op: replace\n  path: /spec/chart\n  value:\n    spec:\n      version: 4.0.0\n',
      ['env web 4.0.0@env/p.yaml:5']
    ],
    [
      'a target that selects by label',
      kustomization(
        'resources: [../base]',
        'patches:',
        '  - path: p.yaml',
        '    target: {labelSelector: "tier=front"}'
      ),
      patchOf('spec: {chart: {spec: {version: 2.0.0}}}'),
      ['env web 2.0.0@env/p.yaml:4']
    ],
    [
      'a target whose label does not match',
      kustomization(
        'resources: [../base]',
        'patches:',
        '  - path: p.yaml',
        '    target: {labelSelector: "tier!=front"}'
      ),
      patchOf('spec: {chart: {spec: {version: 2.0.0}}}'),
      ['env web 1.0.0@base/release.yaml:10']
    ]
  ])('%s', (_, env, patch, expected) => {
    const file = env.includes('p.json') ? 'env/p.json' : 'env/p.yaml'
    const builds = build({
      ...BASE,
      'env/kustomization.yaml': env,
      [file]: patch
    })
    expect(versions(builds)).toEqual(expected)
    expect(builds.notes).toEqual([])
  })
})

describe('names and structure', () => {
  test('an inline patch is read, and has no span to edit', () => {
    const builds = build({
      ...BASE,
      'env/kustomization.yaml': kustomization(
        'resources: [../base]',
        'patches:',
        '  - target: {kind: HelmRelease}',
        '    patch: |-',
        '      - op: replace',
        '        path: /spec/chart/spec/version',
        '        value: 5.0.0'
      )
    })
    const [resource] = builds.environments[0].resources
    expect(resource.fields['spec.chart.spec.version']).toEqual({
      value: '5.0.0',
      file: 'env/kustomization.yaml',
      line: 3
    })
  })

  test('namePrefix, then a patch that names the prefixed release; a component patches its includer', () => {
    const builds = build({
      ...BASE,
      'env/kustomization.yaml': kustomization(
        'resources: [../base]',
        'components: [../comp]',
        'namePrefix: prod-'
      ),
      'comp/kustomization.yaml': kustomization(
        'apiVersion: kustomize.config.k8s.io/v1alpha1',
        'kind: Component',
        'patches:',
        '  - path: p.yaml'
      ),
      'comp/p.yaml': patchOf('spec: {chart: {spec: {version: 6.0.0}}}'),
      'top/kustomization.yaml': kustomization(
        'resources: [../env]',
        'patches:',
        '  - path: p.yaml',
        '    target: {name: prod-web}'
      ),
      'top/p.yaml': patchOf('spec: {chart: {spec: {version: 7.0.0}}}')
    })
    expect(versions(builds)).toEqual(['top prod-web 7.0.0@top/p.yaml:4'])
  })

  test('a base shared by two environments is patched apart in each', () => {
    const overlay = (v: string): Record<string, string> => ({
      [`${v}/kustomization.yaml`]: kustomization(
        'resources: [../base]',
        'patches: [{path: p.yaml}]'
      ),
      [`${v}/p.yaml`]: patchOf(`spec: {chart: {spec: {version: ${v}}}}`)
    })
    expect(
      versions(build({ ...BASE, ...overlay('2.0.0'), ...overlay('3.0.0') }))
    ).toEqual([
      '2.0.0 web 2.0.0@2.0.0/p.yaml:4',
      '3.0.0 web 3.0.0@3.0.0/p.yaml:4'
    ])
  })

  test.each([
    [
      'a remote base is left alone, said',
      'resources:\n  - https://github.com/acme/base//podinfo?ref=v1\n  - ../base\n',
      "'https://github.com/acme/base//podinfo?ref=v1' is a remote base: it is not fetched, and what it holds is not known here"
    ],
    [
      'a path out of the repository is not read',
      'resources:\n  - ../../../etc\n  - ../base\n',
      "'../../../etc' is outside the repository: it is not read"
    ],
    [
      'a missing folder is said',
      'resources:\n  - ../nowhere\n  - ../base\n',
      "'../nowhere' is neither a file nor a folder with a kustomization in the repository: not followed"
    ],
    [
      'a target regex that could make JavaScript backtrack is not used',
      'resources: [../base]\npatches:\n  - path: p.yaml\n    target: {name: "(a+)+$"}\n',
      "env/kustomization.yaml line 3: its target is not followed: the pattern '(a+)+$' is not one this action matches safely"
    ],
    [
      'so is one with many quantifiers',
      'resources: [../base]\npatches:\n  - path: p.yaml\n    target: {name: "a*a*a*a*a*b"}\n',
      "env/kustomization.yaml line 3: its target is not followed: the pattern 'a*a*a*a*a*b' is not one this action matches safely"
    ]
  ])('%s', (_, env, message) => {
    const builds = build({
      ...BASE,
      'env/kustomization.yaml': env,
      'env/p.yaml': patchOf('spec: {chart: {spec: {version: 2.0.0}}}')
    })
    expect(builds.notes.map(n => n.message)).toEqual([message])
    expect(versions(builds)).toEqual(['env web 1.0.0@base/release.yaml:10'])
  })

  test('a cycle is refused with a note, and every build still ends', () => {
    const builds = build({
      'a/kustomization.yaml': 'resources: [../b, release.yaml]\n',
      'a/release.yaml': release(),
      'b/kustomization.yaml': 'resources: [../a]\n',
      'root/kustomization.yaml': 'resources: [../a]\n'
    })
    expect(builds.notes.map(n => n.message)).toEqual([
      'includes itself through root → a → b → a: the cycle is not followed (kustomize refuses it too)'
    ])
    expect(versions(builds)).toEqual(['root web 1.0.0@a/release.yaml:10'])
  })

  test('nesting is bounded: 30 levels deep stop at 20, said', () => {
    const files: Record<string, string> = { 'k0/release.yaml': release() }
    files['k0/kustomization.yaml'] = 'resources: [release.yaml]\n'
    for (let i = 1; i < 30; i++)
      files[`k${i}/kustomization.yaml`] = `resources: [../k${i - 1}]\n`
    const builds = build(files)
    expect(builds.notes.map(n => n.message)).toEqual([
      'nested more than 20 kustomizations deep: not followed'
    ])
    expect(builds.environments).toEqual([])
  })
  test('includes that fan out are bounded: 2^20 builds stop at 2,000, said', () => {
    const files: Record<string, string> = {
      'k0/kustomization.yaml': 'resources: [release.yaml]\n',
      'k0/release.yaml': release()
    }
    // Each level includes the one below twice, by two spellings of its path.
    for (let i = 1; i <= 19; i++)
      files[`k${i}/kustomization.yaml`] =
        `resources: [../k${i - 1}, ../k${i - 1}/]\n`
    const builds = build(files)
    expect(builds.notes.map(n => n.message)).toEqual([
      'more than 2000 kustomization builds in one repository: this one and later ones are not followed'
    ])
  })
})

describe('localPath', () => {
  test.each([
    ['apps/staging', '../base/podinfo', 'apps/base/podinfo'],
    ['apps/staging', './values.yaml', 'apps/staging/values.yaml'],
    ['', 'apps', 'apps'],
    ['apps', '../../x', undefined],
    ['apps', '/etc/passwd', undefined],
    ['apps', 'github.com/acme/base', undefined],
    ['apps', 'git@github.com:acme/base.git', undefined]
  ])('%s + %s = %s', (dir, entry, expected) => {
    expect(localPath(dir, entry)).toBe(expected)
  })
})
