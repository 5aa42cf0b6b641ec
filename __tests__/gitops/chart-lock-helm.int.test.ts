// The proof for Chart.lock: after the action bumps an umbrella chart's
// dependency and rewrites its lock, the REAL `helm dependency build` accepts
// it (Helm 3.17, 4.1, 4.2), and the lock is, byte for byte but `generated`,
// what the real `helm dependency update` writes for the same Chart.yaml.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bumpFile } from '../../src/gitops/edit.js'
import { updateChartLock } from '../../src/gitops/lock/chart-lock.js'
import { writeChart } from '../helpers/charts.js'
import {
  HELM_VERSIONS,
  realHelm,
  removeDir,
  tempDir
} from '../helpers/paths.js'
import { startRegistry, type Registry } from '../helpers/registry.js'

const run = promisify(execFile)
let root: string
let registry: Registry

function helmEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_DATA_HOME: path.join(home, 'data')
  }
}

async function helm(version: string, args: string[]): Promise<string> {
  const home = path.join(root, `home-${version}`)
  const { stdout, stderr } = await run(realHelm(version), args, {
    env: helmEnv(home)
  })
  return stdout + stderr
}

async function pushChart(name: string, version: string): Promise<void> {
  const dir = writeChart(path.join(root, `src-${name}-${version}`), {
    name,
    version
  })
  const out = path.join(root, 'packages')
  await helm(HELM_VERSIONS[0], ['package', dir, '--destination', out])
  const tgz = path.join(out, `${name}-${version}.tgz`)
  await helm(HELM_VERSIONS[0], [
    'push',
    tgz,
    `oci://${registry.host}/charts`,
    '--plain-http'
  ])
}

function umbrellaYaml(webVersion: string): string {
  const repo = `oci://${registry.host}/charts`
  return [
    'apiVersion: v2',
    'name: platform',
    'version: 0.1.0',
    'dependencies:',
    '  - name: web',
    `    version: "${webVersion}"`,
    `    repository: ${repo}`,
    '    condition: web.enabled',
    '    tags: [frontend, "a&b<c>"]',
    '    import-values:',
    '      - child: exports.data',
    '        parent: web',
    '      - shared',
    '  - name: db',
    '    version: 2.0.0',
    `    repository: ${repo}`,
    '    alias: database',
    ''
  ].join('\n')
}

function withoutGenerated(lock: string): string {
  return lock.replace(/^generated: .*$/m, 'generated: X')
}

beforeAll(async () => {
  root = tempDir('hor-chartlock-')
  registry = await startRegistry()
  await pushChart('web', '1.0.0')
  await pushChart('web', '1.1.0')
  await pushChart('db', '2.0.0')
})
afterAll(async () => {
  await registry?.stop()
  removeDir(root)
})

describe.each(HELM_VERSIONS)('Helm %s', version => {
  test('the rewritten lock is in sync and equals what helm dependency update writes', async () => {
    const umbrella = writeChart(path.join(root, `umbrella-${version}`), {
      name: 'platform',
      chartYaml: umbrellaYaml('1.0.0')
    })
    await helm(version, ['dependency', 'update', umbrella, '--plain-http'])
    const lockFile = path.join(umbrella, 'Chart.lock')
    const oldLock = fs.readFileSync(lockFile, 'utf8')
    const oldChart = fs.readFileSync(path.join(umbrella, 'Chart.yaml'), 'utf8')
    const chart = { name: 'web', registry: registry.host, repository: 'charts' }
    const bumped = bumpFile('platform/Chart.yaml', oldChart, chart, '1.1.0')
    expect(bumped.changed).toBe(true)
    const update = updateChartLock({
      chartBefore: oldChart,
      chartAfter: bumped.text,
      lock: oldLock,
      now: new Date()
    })
    if (!('text' in update)) throw new Error(update.leftAlone)
    expect(update.moved).toEqual([{ name: 'web', from: '1.0.0', to: '1.1.0' }])
    fs.writeFileSync(path.join(umbrella, 'Chart.yaml'), bumped.text)
    fs.writeFileSync(lockFile, update.text)
    fs.rmSync(path.join(umbrella, 'charts'), { recursive: true, force: true })

    // helm dependency build refuses a lock out of sync; it accepts ours.
    const built = await helm(version, [
      'dependency',
      'build',
      umbrella,
      '--plain-http'
    ])
    expect(built).not.toMatch(/out of sync/)
    expect(fs.readdirSync(path.join(umbrella, 'charts')).sort()).toEqual([
      'db-2.0.0.tgz',
      'web-1.1.0.tgz'
    ])

    // What helm dependency update itself writes for the bumped Chart.yaml.
    const reference = writeChart(path.join(root, `reference-${version}`), {
      name: 'platform',
      chartYaml: bumped.text
    })
    fs.writeFileSync(path.join(reference, 'Chart.lock'), oldLock)
    await helm(version, ['dependency', 'update', reference, '--plain-http'])
    const helmLock = fs.readFileSync(path.join(reference, 'Chart.lock'), 'utf8')
    expect(withoutGenerated(update.text)).toBe(withoutGenerated(helmLock))
    expect(update.text).toMatch(/^generated: "\d{4}-\d\d-\d\dT[\d:.]+Z"$/m)
  })
})
