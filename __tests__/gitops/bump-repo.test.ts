import { expect, test } from 'vitest'
import { newerPins } from '../../src/gitops/bump-repo.js'
import { bumpBothWays } from './scan/prefiltered.js'
import {
  commitSubjectPattern,
  fillTemplate,
  pullRequestBody
} from '../../src/gitops/pr-body.js'

const chart = { name: 'hello', registry: 'ghcr.io', repository: 'acme/charts' }

function app(version: string, repoURL = 'oci://ghcr.io/acme/charts'): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata: {name: hello}',
    'spec:',
    '  source:',
    `    repoURL: ${repoURL}`,
    '    chart: hello',
    `    targetRevision: ${version} # pinned`,
    ''
  ].join('\n')
}

const helmRepository = [
  'apiVersion: source.toolkit.fluxcd.io/v1',
  'kind: HelmRepository',
  'metadata: {name: acme, namespace: flux-system}',
  'spec: {type: oci, url: oci://ghcr.io/acme/charts}',
  ''
].join('\n')

const helmRelease = [
  'apiVersion: helm.toolkit.fluxcd.io/v2',
  'kind: HelmRelease',
  'metadata: {name: hello, namespace: flux-system}',
  'spec:',
  '  chart:',
  '    spec:',
  '      chart: hello',
  "      version: '1.0.0'",
  '      sourceRef: {kind: HelmRepository, name: acme}',
  ''
].join('\n')

test('bumps pins across files, a HelmRelease through a HelmRepository defined elsewhere', () => {
  const bump = bumpBothWays(
    new Map([
      ['apps/hello.yaml', app('1.0.0')],
      ['flux/release.yaml', helmRelease],
      ['flux/sources.yaml', helmRepository],
      ['apps/other.yaml', app('1.0.0', 'oci://ghcr.io/other/charts')],
      ['README.md', 'targetRevision: 1.0.0']
    ]),
    chart,
    '1.1.0'
  )
  expect([...bump.files.keys()]).toEqual([
    'apps/hello.yaml',
    'flux/release.yaml'
  ])
  expect(bump.files.get('apps/hello.yaml')).toBe(app('1.1.0'))
  expect(bump.files.get('flux/release.yaml')).toBe(
    helmRelease.replace("'1.0.0'", "'1.1.0'")
  )
  expect(bump.changes.map(c => [c.file, c.from, c.to])).toEqual([
    ['apps/hello.yaml', '1.0.0', '1.1.0'],
    ['flux/release.yaml', '1.0.0', '1.1.0']
  ])
})

test('newerPins finds what a later release already set', () => {
  const bump = bumpBothWays(
    new Map([
      ['a.yaml', app('2.0.0')],
      ['b.yaml', app('^1.0')]
    ]),
    chart,
    '1.5.0'
  )
  expect(bump.files.size).toBe(0)
  expect(newerPins(bump, '1.5.0').map(p => [p.file, p.value])).toEqual([
    ['a.yaml', '2.0.0']
  ])
})

test('newerPins reads the version of a pin written with its digest', () => {
  const digest = 'sha256:' + 'd'.repeat(64)
  const native = (revision: string): string =>
    app(revision, 'oci://ghcr.io/acme/charts/hello').replace(
      '    chart: hello\n',
      ''
    )
  const bump = bumpBothWays(
    new Map([['a.yaml', native(`2.0.0@${digest}`)]]),
    chart,
    { version: '1.5.0', digest }
  )
  expect(newerPins(bump, '1.5.0').map(p => p.value)).toEqual([
    `2.0.0@${digest}`
  ])
})

test('the PR body names the pins whose digest moved, and to which digest', () => {
  const from = 'sha256:' + 'e'.repeat(64)
  const release = {
    name: 'hello',
    version: '1.0.1',
    ref: 'oci://ghcr.io/acme/charts/hello',
    tag: '1.0.1',
    digest: 'sha256:' + 'f'.repeat(64)
  }
  const native = app(
    `'1.0.0@${from}'`,
    'oci://ghcr.io/acme/charts/hello'
  ).replace('    chart: hello\n', '')
  const bump = bumpBothWays(
    new Map([
      ['a.yaml', native],
      ['b.yaml', app('1.0.0')]
    ]),
    chart,
    release
  )
  expect(bump.files.get('a.yaml')).toBe(
    native.replace(`1.0.0@${from}`, `1.0.1@${release.digest}`)
  )
  const body = pullRequestBody(release, bump)
  expect(body).toContain(
    [
      '### Digests moved',
      '',
      "These pins hold the chart's digest next to its version: it moved to the digest the registry serves for 1.0.1.",
      '',
      '| File | Line | Field | From | To |',
      '| --- | --- | --- | --- | --- |',
      `| <code>a.yaml</code> | 7 | <code>spec.source.targetRevision</code> | <code>${from}</code> | <code>${release.digest}</code> |`
    ].join('\n')
  )
  // A pin without a digest is not in that list.
  expect(body).not.toMatch(/Digests moved[\s\S]*b\.yaml/)
})

test('the PR body lists changes, what was left alone, problems and to-dos', () => {
  const bump = bumpBothWays(
    new Map([
      ['a.yaml', app('1.0.0')],
      ['b.yaml', app('~1.0')],
      [
        'c.yaml',
        'apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: [hello, ghcr.io\n'
      ]
    ]),
    chart,
    '1.0.1'
  )
  const release = {
    name: 'hello',
    version: '1.0.1',
    ref: 'oci://ghcr.io/acme/charts/hello',
    tag: '1.0.1',
    digest: 'sha256:' + 'a'.repeat(64)
  }
  const body = pullRequestBody(release, bump)
  expect(body).toContain('Moves the Helm chart **hello** to **1.0.1**.')
  expect(body).toContain('`oci://ghcr.io/acme/charts/hello:1.0.1`')
  expect(body).toContain(release.digest)
  expect(body).toMatch(
    /\| <code>a\.yaml<\/code> \| 8 \| argocd-application \| <code>spec\.source\.targetRevision<\/code> \| <code>1\.0\.0<\/code> \| <code>1\.0\.1<\/code> \|/
  )
  expect(body).toMatch(
    /### Left alone[\s\S]*<code>b\.yaml<\/code>.*&#126;1\.0.*admits 1\.0\.1/
  )
  expect(fillTemplate('bump {name} to {version}', release)).toBe(
    'bump hello to 1.0.1'
  )
})

test.each([
  [
    'chore(deps): bump {name} chart to {version}',
    'chore(deps): bump hello chart to 1.2.3',
    true
  ],
  [
    'chore(deps): bump {name} chart to {version}',
    'chore(deps): bump hello chart to 1.2.3 (fix)',
    false
  ],
  ['chore(deps): bump {name} chart to {version}', 'fix typo', false],
  ['release [{name}] {version}\n\nbody', 'release [x] 2.0.0', true],
  ['bump*{version}', 'bumpX1.0.0', false]
])('commitSubjectPattern(%j) on %j = %s', (template, subject, matches) => {
  expect(commitSubjectPattern(template).test(subject)).toBe(matches)
})
