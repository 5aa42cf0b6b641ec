#!/usr/bin/env node
// The local demo: starts a real registry on loopback, publishes examples/charts/hello
// through the bundled action (dist/index.js) exactly as a runner would, prints the
// outputs and the job summary, then pulls the chart back with Helm.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const registryBin = process.env.REGISTRY_BIN || 'docker-registry'

function die(message) {
  console.error(`demo: ${message}`)
  process.exit(1)
}

function helmDir() {
  const fetched = path.join(root, '.cache', 'helm', '4.1.4')
  if (fs.existsSync(path.join(fetched, 'helm'))) return fetched
  die(
    "no Helm found: run 'npm run setup' first (it fetches Helm 3 and 4 into .cache/helm)."
  )
}

function startRegistry(dir) {
  fs.mkdirSync(dir, { recursive: true })
  const config = path.join(dir, 'config.yml')
  fs.writeFileSync(
    config,
    [
      'version: 0.1',
      'storage:',
      `  filesystem: { rootdirectory: ${JSON.stringify(path.join(dir, 'data'))} }`,
      'http:',
      "  addr: '127.0.0.1:0'",
      ''
    ].join('\n')
  )
  return new Promise((resolve, reject) => {
    let child
    try {
      child = spawn(registryBin, ['serve', config], {
        stdio: ['ignore', 'pipe', 'pipe']
      })
    } catch (error) {
      reject(error)
      return
    }
    let log = ''
    const onData = d => {
      log += d.toString()
      const match = /listening on [^\s"]*:(\d+)/.exec(log)
      if (match) resolve({ child, host: `127.0.0.1:${match[1]}` })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', error =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              `'${registryBin}' is not installed. Install the CNCF distribution registry ` +
                "(Debian/Ubuntu: 'sudo apt-get install docker-registry'; or run 'npm run setup'), " +
                'or set REGISTRY_BIN to a registry binary.'
            )
          : error
      )
    )
    child.on('exit', code =>
      reject(new Error(`registry exited with ${code}:\n${log}`))
    )
  })
}

function runAction(env) {
  return new Promise(resolve => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'dist', 'index.js')],
      {
        env,
        stdio: ['ignore', 'inherit', 'inherit']
      }
    )
    child.on('close', code => resolve(code))
  })
}

function readFileCommand(file) {
  const out = {}
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const end = lines.indexOf(m[2], i + 1)
    out[m[1]] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return out
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'index.js')))
    die("dist/index.js is missing: run 'npm run bundle'.")
  const helm = helmDir()
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-oci-release-demo-'))
  const registry = await startRegistry(path.join(work, 'registry')).catch(
    error => die(error.message)
  )
  try {
    const temp = path.join(work, 'runner-temp')
    fs.mkdirSync(temp)
    const files = Object.fromEntries(
      ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'].map(k => [
        k,
        path.join(temp, k)
      ])
    )
    for (const file of Object.values(files)) fs.writeFileSync(file, '')
    console.log(
      `demo: registry running at ${registry.host}; publishing examples/charts/hello\n`
    )
    const code = await runAction({
      PATH: `${helm}${path.delimiter}${process.env.PATH}`,
      HOME: process.env.HOME ?? work,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: root,
      GITHUB_REF: 'refs/tags/v0.1.0',
      RUNNER_TEMP: temp,
      RUNNER_TOOL_CACHE: path.join(work, 'tool-cache'),
      ...files,
      INPUT_CHART: 'examples/charts/hello',
      INPUT_REGISTRY: registry.host,
      INPUT_REPOSITORY: 'demo/charts',
      INPUT_USERNAME: '',
      INPUT_PASSWORD: '',
      'INPUT_HELM-VERSION': 'system',
      'INPUT_PLAIN-HTTP': 'true',
      INPUT_LINT: 'true',
      'INPUT_DRY-RUN': 'false'
    })
    if (code !== 0) die(`the action failed (exit ${code}); see the log above.`)
    console.log('\ndemo: outputs')
    for (const [k, v] of Object.entries(readFileCommand(files.GITHUB_OUTPUT)))
      console.log(`  ${k} = ${v}`)
    console.log('\ndemo: job summary (markdown)')
    console.log(fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'))
    const outputs = readFileCommand(files.GITHUB_OUTPUT)
    const shown = execFileSync(
      path.join(helm, 'helm'),
      [
        'show',
        'chart',
        outputs['chart-ref'],
        '--version',
        outputs['chart-version'],
        '--plain-http'
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, HELM_CONFIG_HOME: work, HELM_CACHE_HOME: work }
      }
    )
    console.log(
      `demo: pulled back from the registry with 'helm show chart':\n${shown}`
    )
  } finally {
    registry.child.kill('SIGTERM')
    fs.rmSync(work, { recursive: true, force: true })
  }
}

await main()
