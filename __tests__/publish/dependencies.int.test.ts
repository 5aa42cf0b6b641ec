// Chart dependencies from an https?:// chart repository, built in the action's
// empty, isolated Helm home (real Helm 3 and 4, a real chart repository on loopback).
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Helm } from '../../src/helm/cli.js'
import { childEnv } from '../../src/process-env.js'
import { createSandbox, removeSandbox } from '../../src/sandbox.js'
import { buildDependencies } from '../../src/publish/dependencies.js'
import { loadChart } from '../../src/chart/load.js'
import { writeChart } from '../helpers/charts.js'
import {
  HELM_VERSIONS,
  realHelm,
  removeDir,
  tempDir
} from '../helpers/paths.js'

let root: string
let server: http.Server
let repoUrl: string

beforeAll(async () => {
  root = tempDir('hor-deps-')
  const repoDir = path.join(root, 'repo')
  fs.mkdirSync(repoDir)
  server = http.createServer((req, res) => {
    const file = path.join(repoDir, path.basename(req.url ?? ''))
    if (!fs.existsSync(file)) return void res.writeHead(404).end()
    res.writeHead(200).end(fs.readFileSync(file))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  repoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const lib = writeChart(path.join(root, 'src'), {
    name: 'lib',
    version: '0.1.0'
  })
  const helm = realHelm(HELM_VERSIONS[1])
  const home = {
    HELM_CONFIG_HOME: path.join(root, 'home'),
    HELM_CACHE_HOME: path.join(root, 'home'),
    HELM_DATA_HOME: path.join(root, 'home')
  }
  execFileSync(helm, ['package', lib, '-d', repoDir], {
    env: { ...process.env, ...home }
  })
  execFileSync(helm, ['repo', 'index', repoDir, '--url', repoUrl], {
    env: { ...process.env, ...home }
  })
})

afterAll(async () => {
  await new Promise(resolve => server?.close(resolve))
  removeDir(root)
})

describe.each(HELM_VERSIONS)('Helm %s', version => {
  test('a Chart.lock pinning an https?:// repository builds in an empty Helm home', async () => {
    const chartDir = writeChart(path.join(root, `app-${version}`), {
      name: 'app',
      version: '1.0.0'
    })
    fs.appendFileSync(
      path.join(chartDir, 'Chart.yaml'),
      `dependencies:\n  - name: lib\n    version: 0.1.0\n    repository: ${repoUrl}\n`
    )
    // Async: the repository server runs in this process.
    const run = promisify(execFile)
    // The user's machine made the lock, with the repository added there.
    const userHome = path.join(root, `user-${version}`)
    const userEnv = {
      ...process.env,
      HELM_CONFIG_HOME: userHome,
      HELM_CACHE_HOME: userHome,
      HELM_DATA_HOME: userHome
    }
    await run(realHelm(version), ['repo', 'add', 'lib-repo', repoUrl], {
      env: userEnv
    })
    await run(realHelm(version), ['dependency', 'update', chartDir], {
      env: userEnv
    })
    fs.rmSync(path.join(chartDir, 'charts'), { recursive: true, force: true })
    expect(fs.existsSync(path.join(chartDir, 'Chart.lock'))).toBe(true)

    const sandbox = createSandbox({ RUNNER_TEMP: root })
    try {
      const helm = new Helm(
        realHelm(version),
        Number(version[0]),
        childEnv(sandbox.env)
      )
      await buildDependencies(
        helm,
        {
          registry: 'registry.invalid',
          connection: { plainHttp: false, insecureSkipTlsVerify: false }
        },
        loadChart(chartDir, root)
      )
      expect(fs.readdirSync(path.join(chartDir, 'charts'))).toEqual([
        'lib-0.1.0.tgz'
      ])
    } finally {
      removeSandbox(sandbox.root)
    }
  })
})
