// The harness of the overlay end-to-end tests (e2e/gitops/overlays*.int.test.ts):
// a GitOps repository `acme/<name>` seeded on the git server and known to the
// GitHub double, podinfo released into it through the bundled action, and
// what the pull request changed and says.
import fs from 'node:fs'
import path from 'node:path'
import { makeRunnerDirs, runMain, type StepResult } from './action-runner.js'
import { writeChart } from './charts.js'
import { gitopsRunContext, type GitopsServers } from './gitops-servers.js'
import { HELM4 } from './paths.js'

/** The branch the action pushes for podinfo. */
const PODINFO_BRANCH = 'helm-oci-release/podinfo'

/** podinfo as a test writes it: a ConfigMap template, a default for each value it reads. */
export interface PodinfoChart {
  template: string
  values: string
}

/** Pushes `files` as `acme/<name>` and tells the GitHub double of it; returns them. */
export function seedRepository(
  servers: GitopsServers,
  name: string,
  files: Map<string, string>
): Map<string, string> {
  servers.git.createRepo(`acme/${name}`, 'main', Object.fromEntries(files))
  servers.github.addRepository({
    owner: 'acme',
    repo: name,
    defaultBranch: 'main'
  })
  return files
}

/** Writes podinfo `version` under `parent`; returns its folder. */
function writePodinfo(
  parent: string,
  version: string,
  chart: PodinfoChart
): string {
  const dir = writeChart(parent, {
    name: 'podinfo',
    version,
    template: chart.template
  })
  fs.writeFileSync(path.join(dir, 'values.yaml'), chart.values)
  return dir
}

/** What every release of a test file shares. */
export interface PodinfoRun {
  servers: GitopsServers
  /** The test file's scratch folder: each release gets a runner of its own in it. */
  root: string
  token: string
  chart: PodinfoChart
  /** `gitops-render`. */
  render: boolean
}

let runs = 0

/** Releases podinfo `version` into the GitOps repository `acme/<name>`. */
function releasePodinfo(
  run: PodinfoRun,
  name: string,
  version: string,
  inputs: Record<string, string> = {}
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(run.root, `run-${++runs}`))
  writePodinfo(path.join(dirs.workspace, 'charts'), version, run.chart)
  return runMain({
    inputs: {
      chart: 'charts/podinfo',
      registry: run.servers.registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': run.servers.mirror.url,
      'plain-http': 'true',
      'gitops-repository': `acme/${name}`,
      'gitops-token': run.token,
      'gitops-render': String(run.render),
      ...inputs
    },
    dirs,
    ...gitopsRunContext(run.servers, version)
  })
}

/** The files podinfo's branch changed in `acme/<name>`, each as its lines that differ. */
function changedLines(
  servers: GitopsServers,
  name: string,
  files: Map<string, string>
): Record<string, string[]> {
  const result: Record<string, string[]> = {}
  for (const [file, before] of files) {
    const after =
      servers.git.readFile(`acme/${name}`, PODINFO_BRANCH, file) ?? ''
    if (after === before) continue
    const a = before.split('\n')
    const b = after.split('\n')
    result[file] = a.flatMap((line, i) =>
      line === b[i] ? [] : [`${line} → ${b[i]}`]
    )
  }
  return result
}

/** The body of the pull request in `acme/<name>`; '' without one. */
export function pullBody(servers: GitopsServers, name: string): string {
  const [pr] = servers.github.pulls('acme', name)
  return pr?.body ?? ''
}

/** What a test file calls: its releases, its chart, and what the pull request changed and says. */
export interface PodinfoHarness {
  release(
    name: string,
    version: string,
    inputs?: Record<string, string>
  ): Promise<StepResult>
  /** The test file's chart at `version` under `parent` (to render it by hand). */
  writePodinfo(parent: string, version: string): string
  changed(name: string, files: Map<string, string>): Record<string, string[]>
  body(name: string): string
}

/** The harness over `run()`, read at each call: the servers start in `beforeAll`. */
export function podinfoHarness(run: () => PodinfoRun): PodinfoHarness {
  return {
    release: (name, version, inputs = {}) =>
      releasePodinfo(run(), name, version, inputs),
    writePodinfo: (parent, version) =>
      writePodinfo(parent, version, run().chart),
    changed: (name, files) => changedLines(run().servers, name, files),
    body: name => pullBody(run().servers, name)
  }
}
