// The preview on a runner that refuses user namespaces (GitHub's Ubuntu 24.04
// images: AppArmor makes `unshare --map-root-user` fail), through the bundled
// action with real Helm, a real registry, a real git server and the GitHub
// double. `unshare` on PATH fails as it does there; the preview still
// renders, with closed proxies instead of a network namespace, says so in
// the log, and a chart's schema that points at a loopback URL (which no
// proxy setting stops) is still not followed.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../../helpers/action-runner.js'
import { writeChart } from '../../helpers/charts.js'
import type { GitServer } from '../../helpers/git-server.js'
import type { GitHubDouble } from '../../helpers/github-double.js'
import type { Mirror } from '../../helpers/helm-mirror.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_fallbackTOKEN1234567890'

let root: string
let registry: Registry
let mirror: Mirror
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let schemaServer: http.Server
const schemaRequests: string[] = []
let stubPath: string
let result: StepResult
let body: string
let runs = 0

/** An `unshare` that fails the way Ubuntu 24.04's does for a non-root user. */
function stubUnshare(): string {
  const dir = path.join(root, 'stub-bin')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'unshare'),
    "#!/bin/sh\necho 'unshare: write failed /proc/self/uid_map: Operation not permitted' >&2\nexit 1\n",
    { mode: 0o755 }
  )
  return `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`
}

async function release(
  version: string,
  inputs: Record<string, string>
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  const chart = writeChart(path.join(dirs.workspace, 'charts'), {
    name: 'web',
    version
  })
  if (version !== '1.0.0') {
    const port = (schemaServer.address() as AddressInfo).port
    fs.writeFileSync(
      path.join(chart, 'values.schema.json'),
      JSON.stringify({
        properties: { greeting: { $ref: `http://127.0.0.1:${port}/g.json` } }
      })
    )
  }
  const context = gitopsRunContext(servers, version, '')
  return runMain({
    inputs: {
      chart: 'charts/web',
      registry: registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      lint: 'false',
      ...inputs
    },
    dirs,
    github: context.github,
    env: { ...context.env, PATH: stubPath }
  })
}

beforeAll(async () => {
  root = tempDir('hor-render-fallback-')
  stubPath = stubUnshare()
  schemaServer = http.createServer((request, response) => {
    schemaRequests.push(request.url ?? '')
    response.end('{"type": "string"}')
  })
  await new Promise<void>(resolve =>
    schemaServer.listen(0, '127.0.0.1', resolve)
  )
  servers = await startGitopsServers(TOKEN)
  ;({ registry, mirror, git, github } = servers)
  const first = await release('1.0.0', { 'gitops-repository': '' })
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)
  git.createRepo('acme/fallback', 'main', {
    'apps/web.yaml': [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: web, namespace: argocd}',
      'spec:',
      '  destination: {namespace: apps}',
      '  source:',
      `    repoURL: oci://${registry.host}/acme/charts`,
      '    chart: web',
      '    targetRevision: 1.0.0',
      ''
    ].join('\n')
  })
  github.addRepository({ owner: 'acme', repo: 'fallback' })
  result = await release('1.1.0', { 'gitops-repository': 'acme/fallback' })
  body = github.pulls('acme', 'fallback')[0]?.body ?? ''
})

afterAll(async () => {
  await servers?.stop()
  schemaServer?.close()
  removeDir(root)
})

test('the release and the pull request succeed, and the place renders', () => {
  expect(result.exitCode, result.stdout + result.stderr).toBe(0)
  expect(result.outputs['pull-request-operation']).toBe('created')
  expect(body).toContain('### Application web')
  expect(body).not.toContain('Does not render')
})

test('the log says that the network namespace was refused and what is used instead', () => {
  expect(result.stdout).toMatch(
    /^The preview's Helm runs with an environment of its own, empty folders, no network namespace \(refused here\): proxies at http:\/\/127\.0\.0\.1:0, so only loopback addresses are reachable, at most 1024 MiB of memory per render\.$/m
  )
})

test("a schema's loopback URL is not followed: nothing reaches the server", () => {
  expect(schemaRequests).toEqual([])
  expect(body).toContain('values.schema.json not checked')
})
