// A Flux HelmRelease's own rules in the pull request, through the bundled
// action with the real Helm 4, a real registry, a real git server and the
// OpenAPI-checked GitHub double (#25): the chart's valuesFiles replace its
// values.yaml, a valuesFrom targetPath is composed as helm-controller
// composes it, a release name past 53 characters is shortened, the crds/
// folder is applied as upgrade.crds says, commonMetadata labels every
// object, and the post-renderers patch replicas and an image first.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../../helpers/action-runner.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { HELM4, removeDir, tempDir } from '../../helpers/paths.js'

const TOKEN = 'ghs_fluxRULES1234567890'
const REPO = 'flux-rules'
// `sha256sum` of the release name, cut as helm-controller's ShortenName cuts it.
const LONG_NAME =
  'production-eu-west-storefront-with-a-really-long-release-name'
const SHORT_NAME = 'production-eu-west-storefront-with-a-rea-6d05c9b9da3e'

let root: string
let servers: GitopsServers
let runs = 0
let result: StepResult
let body: string

const crd = (name: string, version: string): string =>
  [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    `metadata: {name: ${name}.acme.test}`,
    'spec:',
    '  group: acme.test',
    `  names: {kind: ${name}, plural: ${name}}`,
    '  scope: Namespaced',
    `  versions: [{name: ${version}, served: true, storage: true}]`,
    ''
  ].join('\n')

/** `shop`: 1.1.0 changes widgets, drops gadgets and adds gizmos (crds/). */
function writeShop(parent: string, version: '1.0.0' | '1.1.0'): void {
  const dir = path.join(parent, 'shop')
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true })
  fs.mkdirSync(path.join(dir, 'crds'), { recursive: true })
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: shop\nversion: ${version}\n`,
    'values.yaml': 'greeting: hello\nimage: {tag: latest}\n',
    'values-prod.yaml': 'replicas: 3\n',
    // replicas after the containers: the diff's context shows them.
    'templates/deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}-web',
      '  labels: {app: shop}',
      'spec:',
      '  selector: {matchLabels: {app: shop}}',
      '  template:',
      '    metadata: {labels: {app: shop}}',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: acme/web:{{ .Chart.Version }}',
      `  replicas: ${version === '1.0.0' ? 1 : 2}`,
      ''
    ].join('\n'),
    'templates/configmap.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-config',
      '  labels: {app: shop}',
      'data:',
      '  chart: {{ .Chart.Version | quote }}',
      '  replicas: {{ .Values.replicas | default "none" | quote }}',
      '  greeting: {{ .Values.greeting | default "none" | quote }}',
      '  tag: {{ .Values.image.tag | quote }}',
      ''
    ].join('\n'),
    ...(version === '1.0.0'
      ? {
          'crds/widgets.yaml': crd('widgets', 'v1'),
          'crds/gadgets.yaml': crd('gadgets', 'v1')
        }
      : {
          'crds/widgets.yaml': crd('widgets', 'v2'),
          'crds/gizmos.yaml': crd('gizmos', 'v1')
        })
  }
  for (const [name, text] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), text)
}

function gitopsFiles(host: string): Record<string, string> {
  return {
    'flux/repository.yaml': [
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: HelmRepository',
      'metadata: {name: acme, namespace: shop}',
      `spec: {type: oci, url: oci://${host}/acme/charts}`,
      ''
    ].join('\n'),
    'flux/values.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: shop-tag, namespace: shop}',
      'data:',
      `  tag: "'007'"`,
      ''
    ].join('\n'),
    'flux/release.yaml': [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata: {name: storefront-with-a-really-long-release-name, namespace: shop}',
      'spec:',
      '  targetNamespace: production-eu-west',
      '  chart:',
      '    spec:',
      '      chart: shop',
      '      version: 1.0.0',
      '      sourceRef: {kind: HelmRepository, name: acme}',
      '      valuesFiles: [values-prod.yaml]',
      '  valuesFrom:',
      '    - {kind: ConfigMap, name: shop-tag, valuesKey: tag, targetPath: image.tag}',
      '  values: {image: {tag: pinned}}',
      '  commonMetadata: {labels: {team: payments}}',
      '  postRenderers:',
      '    - kustomize:',
      '        patches:',
      '          - target: {kind: Deployment}',
      '            patch: |',
      '              apiVersion: apps/v1',
      '              kind: Deployment',
      '              metadata: {name: any}',
      '              spec: {replicas: 5}',
      '        images: [{name: acme/web, newName: mirror.acme.test/web}]',
      '    - kustomize:',
      '        patches:',
      '          - target: {labelSelector: app=shop}',
      '            patch: |',
      '              - {op: add, path: /metadata/labels/team, value: platform}',
      ''
    ].join('\n')
  }
}

async function release(
  version: '1.0.0' | '1.1.0',
  inputs: Record<string, string>
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeShop(path.join(dirs.workspace, 'charts'), version)
  return runMain({
    inputs: {
      chart: 'charts/shop',
      registry: servers.registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': servers.mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      ...inputs
    },
    dirs,
    ...gitopsRunContext(servers, version, '')
  })
}

beforeAll(async () => {
  root = tempDir('hor-flux-rules-')
  servers = await startGitopsServers(TOKEN, [HELM4])
  const first = await release('1.0.0', { 'gitops-repository': '' })
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)
  servers.git.createRepo(
    `acme/${REPO}`,
    'main',
    gitopsFiles(servers.registry.host)
  )
  servers.github.addRepository({ owner: 'acme', repo: REPO })
  result = await release('1.1.0', { 'gitops-repository': `acme/${REPO}` })
  body = servers.github.pulls('acme', REPO)[0]?.body ?? ''
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

test('the pull request opens with the HelmRelease rendered', () => {
  expect(result.exitCode, result.stdout + result.stderr).toBe(0)
  expect(body).toContain(
    `### HelmRelease storefront-with-a-really-long-release-name`
  )
  expect(servers.github.violations).toEqual([])
})

test('a release name past 53 characters: the name Flux uses, and the note says it', () => {
  expect(body).toContain(`ConfigMap production-eu-west/${SHORT_NAME}-config`)
  expect(body).toContain(
    `release name ${LONG_NAME} is longer than 53 characters: Flux names the release ${SHORT_NAME}`
  )
})

test("valuesFiles replace values.yaml: the chart's greeting is gone, replicas from values-prod", () => {
  expect(body).toMatch(/^ {3}replicas: "3"$/m)
  expect(body).toMatch(/^ {3}greeting: "none"$/m)
})

test('valuesFrom targetPath: quotes stripped, over the spec.values map it was set in', () => {
  expect(body).toMatch(/^ {3}tag: "007"$/m)
  expect(body).not.toContain('pinned')
})

test('commonMetadata labels the objects', () => {
  expect(body).toMatch(/^ {3}labels: \{ app: shop, team: payments \}$/m)
})

test('upgrade.crds unset (Create): the new CRD is added, the changed and the dropped ones are said', () => {
  expect(body).toContain('CustomResourceDefinition gizmos.acme.test')
  expect(body).toContain(
    'CustomResourceDefinition widgets.acme.test: changed or added by the chart, not applied and not shown'
  )
  expect(body).toContain(
    "CustomResourceDefinition gadgets.acme.test: gone from the chart's crds/ folder, not deleted on upgrade"
  )
  expect(body).not.toMatch(/Removed:[^#]*gadgets/)
})

// By hand from the rules in src/gitops/tools/flux/README.md: the strategic
// merge patch sets replicas 5 at both versions (the chart's 1 → 2 is gone);
// IsImageMatched("acme/web:1.1.0", "acme/web") holds, Split keeps the tag
// 1.1.0, newName replaces the name; the second post-renderer's team label is
// overwritten by commonMetadata, which runs after the post-renderers.
test('postRenderers: the diff shows the patched replicas and image', () => {
  const deployment = `Deployment production-eu-west/${SHORT_NAME}-web`
  expect(body).toContain(deployment)
  expect(body).toContain(
    [
      '         - name: web',
      '-          image: mirror.acme.test/web:1.0.0',
      '+          image: mirror.acme.test/web:1.1.0',
      '   replicas: 5'
    ].join('\n')
  )
  expect(body).not.toMatch(/^[-+] {2}replicas: [12]$/m)
  expect(body).not.toContain('spec.postRenderers')
})

test("postRenderers run before commonMetadata: its label wins over a post-renderer's", () => {
  expect(body).toMatch(/^ {3}labels: \{ app: shop, team: payments \}$/m)
  expect(body).not.toContain('team: platform')
})
