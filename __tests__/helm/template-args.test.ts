// The preview's `helm template` command line: every value checked against
// the rule of what it is, options as --flag=value, positionals after --.
import { describe, expect, test } from 'vitest'
import {
  apiVersionProblem,
  kubeVersionProblem,
  namespaceProblem,
  releaseNameProblem,
  setPathProblem,
  templateArgs,
  templateRequestProblem,
  type TemplateRequest
} from '../../src/helm/template-args.js'

// Helm's rule (pkg/chart/v2/util/validate_name.go):
// ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$, ≤ 53.
test.each<[string, boolean]>([
  ['web', true],
  ['a', true],
  ['0', true],
  ['my-app.prod', true],
  ['a.b.c', true],
  ['x'.repeat(53), true],
  ['x'.repeat(54), false],
  ['', false],
  ['--set-file=tier=/proc/self/environ', false],
  ['--post-renderer=sh', false],
  ['-n', false],
  ['Web', false],
  ['my_app', false],
  ['app-', false],
  ['-app', false],
  ['app.', false],
  ['.app', false],
  ['a..b', false],
  ['a.-b', false],
  ['a b', false],
  ['web\n', false],
  ['wéb', false]
])('release name %j accepted: %s', (name, ok) => {
  expect(releaseNameProblem(name) === undefined).toBe(ok)
})

test.each<[string, boolean]>([
  ['default', true],
  ['kube-system', true],
  ['a', true],
  ['x'.repeat(63), true],
  ['x'.repeat(64), false],
  ['--kube-context=x', false],
  ['prod.eu', false],
  ['Prod', false],
  ['-prod', false],
  ['prod-', false]
])('namespace %j accepted: %s', (namespace, ok) => {
  expect(namespaceProblem(namespace) === undefined).toBe(ok)
})

test.each<[string, boolean]>([
  ['1.30', true],
  ['v1.30.2', true],
  ['1.30.2-gke.1001', true],
  ['1', true],
  ['v1.30.0+k3s1', true],
  ['--post-renderer=sh', false],
  ['latest', false],
  ['1.30 ', false],
  ['1.30,1.31', false],
  ['', false]
])('kube version %j accepted: %s', (version, ok) => {
  expect(kubeVersionProblem(version) === undefined).toBe(ok)
})

test.each<[string, boolean]>([
  ['v1', true],
  ['apps/v1', true],
  ['monitoring.coreos.com/v1', true],
  ['monitoring.coreos.com/v1/ServiceMonitor', true],
  ['a/b/c/d', false],
  ['--set=x=y', false],
  ['apps/v1,batch/v1', false],
  ['apps/', false],
  ['/v1', false],
  ['apps v1', false]
])('API version %j accepted: %s', (api, ok) => {
  expect(apiVersionProblem(api) === undefined).toBe(ok)
})

test.each<[string, boolean]>([
  ['image.tag', true],
  ['a.b[0].c', true],
  ['ingress.annotations.kubernetes\\.io/ingress\\.class', true],
  ['tier=/proc/self/environ', false],
  ['a,b=/etc/passwd', false],
  ['with space', false],
  ['-x', false],
  ['', false],
  ['x'.repeat(257), false]
])('--set path %j accepted: %s', (path, ok) => {
  expect(setPathProblem(path) === undefined).toBe(ok)
})

const REQUEST: TemplateRequest = {
  releaseName: 'web',
  chart: '/tmp/render/web-1.0.0.tgz',
  namespace: 'apps',
  valuesFiles: ['/tmp/render/values/0.yaml'],
  sets: [
    { flag: '--set', path: 'image.tag', value: '1.2' },
    { flag: '--set-file', path: 'config', value: '/tmp/render/set-file-1' }
  ],
  includeCrds: false,
  kubeVersion: '1.30',
  apiVersions: ['monitoring.coreos.com/v1'],
  skipSchemaValidation: true
}

describe('templateArgs', () => {
  test('options as --flag=value, then --, then the release name and the chart', () => {
    expect(templateArgs(REQUEST)).toEqual([
      'template',
      '--namespace=apps',
      '--values=/tmp/render/values/0.yaml',
      '--set=image.tag=1.2',
      '--set-file=config=/tmp/render/set-file-1',
      '--skip-crds',
      '--kube-version=1.30',
      '--api-versions=monitoring.coreos.com/v1',
      '--skip-schema-validation',
      '--',
      'web',
      '/tmp/render/web-1.0.0.tgz'
    ])
  })

  test('--skip-tests and --no-hooks (Kustomize skipTests, skipHooks) before --', () => {
    const args = templateArgs({ ...REQUEST, skipTests: true, noHooks: true })
    expect(args.slice(-6)).toEqual([
      '--skip-schema-validation',
      '--skip-tests',
      '--no-hooks',
      '--',
      'web',
      '/tmp/render/web-1.0.0.tgz'
    ])
  })

  test.each<[string, Partial<TemplateRequest>, RegExp]>([
    [
      'a release name that is an option',
      { releaseName: '--post-renderer=sh' },
      /^the release name "--post-renderer=sh" is refused: it may hold only/
    ],
    [
      'a namespace that is an option',
      { namespace: '--kube-context=prod' },
      /^the namespace "--kube-context=prod" is refused/
    ],
    [
      'a chart path that is not ours',
      { chart: '--repo=http://x' },
      /^the chart "--repo=http:\/\/x" is refused: it is not an absolute path/
    ],
    [
      'a --set-file path that names a second file',
      {
        sets: [{ flag: '--set-file', path: 'a=/etc/passwd,b', value: '/f' }]
      },
      /^the --set-file path "a=\/etc\/passwd,b" is refused/
    ],
    [
      'a --set-file file Helm would split',
      { sets: [{ flag: '--set-file', path: 'a', value: '/tmp/x,b=/etc' }] },
      /^a --set-file file "\/tmp\/x,b=\/etc" is refused: it holds a comma/
    ],
    [
      'an API version list',
      { apiVersions: ['v1,apps/v1'] },
      /^an API version "v1,apps\/v1" is refused/
    ]
  ])('refuses %s, and templateArgs throws', (_what, change, message) => {
    const request = { ...REQUEST, ...change }
    expect(templateRequestProblem(request)).toMatch(message)
    expect(() => templateArgs(request)).toThrow(/helm template not run/)
  })

  test('a long value is cut in the message', () => {
    const problem = templateRequestProblem({
      ...REQUEST,
      releaseName: 'x'.repeat(500)
    })
    expect(problem).toContain(`"${'x'.repeat(80)}…"`)
    expect(problem).not.toContain('x'.repeat(81))
  })
})
