// The Helm wrapper against the real Helm 3 and Helm 4 and a real registry.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { Helm } from '../../src/helm/cli.js'
import { childEnv } from '../../src/process-env.js'
import {
  createSandbox,
  removeSandbox,
  type Sandbox
} from '../../src/sandbox.js'
import { writeChart } from '../helpers/charts.js'
import {
  HELM4,
  HELM_VERSIONS,
  realHelm,
  removeDir,
  tempDir
} from '../helpers/paths.js'
import {
  manifestDigest,
  startRegistry,
  type Registry
} from '../helpers/registry.js'

const USERS = {
  robot$ci: 'p@ss:w$rd+x',
  'org+robot': 'tok+en=',
  _json_key: JSON.stringify({
    type: 'service_account',
    private_key: 'a:b$c\nd'
  }),
  AWS: 'eyJwYXlsb2FkIjoiYSJ9'
}
const PLAIN = { plainHttp: true, insecureSkipTlsVerify: false }

let work: string
let anonymous: Registry
let basic: Registry

beforeAll(async () => {
  work = tempDir()
  ;[anonymous, basic] = await Promise.all([
    startRegistry(),
    startRegistry({ users: USERS })
  ])
})

afterAll(async () => {
  await Promise.all([anonymous?.stop(), basic?.stop()])
  removeDir(work)
})

describe.each(HELM_VERSIONS)('Helm %s', version => {
  let sandbox: Sandbox
  let helm: Helm
  const major = Number(version.split('.')[0])

  beforeAll(() => {
    sandbox = createSandbox({ RUNNER_TEMP: work })
    helm = new Helm(realHelm(version), major, childEnv(sandbox.env))
  })
  afterAll(() => removeSandbox(sandbox.root))

  test.each(Object.entries(USERS))(
    'logs in as %j with its password on stdin, only into the sandbox',
    async (user, password) => {
      await helm.login(basic.host, user, password, PLAIN)
      const config = fs.readFileSync(sandbox.env.HELM_REGISTRY_CONFIG, 'utf8')
      const auth = JSON.parse(config).auths[basic.host].auth as string
      expect(Buffer.from(auth, 'base64').toString()).toBe(`${user}:${password}`)
    }
  )

  test('a wrong password is a clear refusal', async () => {
    const error = await helm
      .login(basic.host, 'robot$ci', 'wrong', PLAIN)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(
      new RegExp(
        `Could not log in to ${basic.host} as 'robot\\$ci': .*401.*Check 'username' and 'password'`
      )
    )
  })

  test('packages and pushes; the digest is what the registry serves', async () => {
    const chartDir = writeChart(path.join(work, `chart-${version}`), {
      version: `0.${major}.0+build.7`
    })
    const out = path.join(work, `out-${version}`)
    fs.mkdirSync(out)
    const tgz = await helm.package(chartDir, out, '9.9.9')
    expect(path.basename(tgz)).toBe(`hello-0.${major}.0+build.7.tgz`)
    await helm.login(basic.host, 'robot$ci', USERS['robot$ci'], PLAIN)
    const pushed = await helm.push(tgz, `oci://${basic.host}/charts`, PLAIN)
    expect(pushed.pushedRef).toBe(
      `${basic.host}/charts/hello:0.${major}.0_build.7`
    )
    const served = await manifestDigest(
      basic,
      'charts/hello',
      `0.${major}.0_build.7`,
      {
        username: 'robot$ci',
        password: USERS['robot$ci']
      }
    )
    expect(pushed.digest).toBe(served)
  })

  test('pushes anonymously to an open registry', async () => {
    const chartDir = writeChart(path.join(work, `anon-${version}`), {
      version: '1.0.0'
    })
    const tgz = await helm.package(chartDir, path.dirname(chartDir))
    const pushed = await helm.push(
      tgz,
      `oci://${anonymous.host}/team/charts`,
      PLAIN
    )
    expect(pushed.digest).toBe(
      await manifestDigest(anonymous, 'team/charts/hello', '1.0.0')
    )
  })

  test('lint errors stop with the [ERROR] lines', async () => {
    const chartDir = writeChart(path.join(work, `lint-${version}`), {
      template: 'kind: ConfigMap\n{{ .Values.missing.field }\n'
    })
    const [linted] = await helm.lintCharts([chartDir])
    expect(linted.error).toMatch(
      /helm lint found errors in .*set 'lint: false':\n.*\[ERROR\]/s
    )
  })

  test('one helm lint and one helm package for several charts: each its own result', async () => {
    const parent = path.join(work, `several-${version}`)
    const good = writeChart(parent, { name: 'good', version: '1.0.0' })
    const bad = writeChart(parent, {
      name: 'bad',
      template: 'kind: ConfigMap\n{{ .Values.missing.field }\n'
    })
    // The folder's name is not the chart's: results follow the folder.
    const renamed = path.join(parent, 'renamed-folder')
    fs.renameSync(
      writeChart(parent, { name: 'other', version: '2.0.0' }),
      renamed
    )
    const lints = await helm.lintCharts([good, bad, renamed])
    expect(lints.map(l => [path.basename(l.dir), l.error ?? 'passed'])).toEqual(
      [
        ['good', 'passed'],
        [
          'bad',
          expect.stringMatching(
            /^helm lint found errors in .*\/bad;.*\n\[ERROR\] templates\/: parse error/s
          )
        ],
        ['renamed-folder', 'passed']
      ]
    )
    expect(lints[2].output).toContain(`==> Linting ${renamed}`)
    expect(lints[2].output.join('\n')).not.toContain('parse error')
    // A chart Helm cannot package stops its run; the charts after it get another.
    fs.writeFileSync(
      path.join(bad, 'Chart.yaml'),
      'apiVersion: v2\nname: [oops\n'
    )
    const out = path.join(work, `several-out-${version}`)
    fs.mkdirSync(out)
    const packages = await helm.packageCharts(
      [good, bad, renamed],
      out,
      '9.9.9'
    )
    expect(
      packages.map(p => [
        path.basename(p.dir),
        p.path && path.basename(p.path),
        p.error
      ])
    ).toEqual([
      ['good', 'good-1.0.0.tgz', undefined],
      [
        'bad',
        undefined,
        expect.stringMatching(
          /^helm package failed for .*\/bad: cannot load Chart\.yaml/
        )
      ],
      ['renamed-folder', 'other-2.0.0.tgz', undefined]
    ])
    expect(packages[2].output[0]).toMatch(
      /\[command\]\S+ package \S+renamed-folder --destination/
    )
  })
})

test('a failed lint of several charts that cannot be split: each chart linted alone', async () => {
  const parent = path.join(work, 'alone')
  const good = writeChart(parent, { name: 'good' })
  const bad = writeChart(parent, {
    name: 'bad',
    template: 'kind: ConfigMap\n{{ .Values.missing.field }\n'
  })
  // Helm whose lint of several charts prints nothing to split.
  const wrapper = path.join(work, 'odd-helm')
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\nif [ "$1" = lint ] && [ $# -gt 2 ]; then echo odd; exit 1; fi\nexec ${realHelm(HELM4)} "$@"\n`,
    { mode: 0o755 }
  )
  const sandbox = createSandbox({ RUNNER_TEMP: work })
  try {
    const helm = new Helm(wrapper, 4, childEnv(sandbox.env))
    const lints = await helm.lintCharts([good, bad])
    expect(lints.map(l => l.error === undefined)).toEqual([true, false])
    expect(lints[0].output[0]).toBe(`[command]${wrapper} lint ${good}`)
  } finally {
    removeSandbox(sandbox.root)
  }
})
