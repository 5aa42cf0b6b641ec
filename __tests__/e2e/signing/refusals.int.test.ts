// Signing refusals before anything is pushed, through dist/ as a runner
// runs it: a job without an OIDC token, an OIDC endpoint that refuses, a dry
// run without a token, and a registry that refuses the signature artifact
// types. The registry then holds nothing of the chart.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startFaultProxy } from '../../helpers/fault-proxy.js'
import { listTags } from '../../helpers/registry.js'
import {
  ATTEST_TOKEN,
  log,
  OWNER,
  PASSWORD,
  startSigningBench,
  USER,
  type SigningBench,
  type SigningRun
} from '../../helpers/signing-bench.js'
import {
  startSigstoreDouble,
  type SigstoreDouble
} from '../../helpers/sigstore-double.js'

let bench: SigningBench
let sigstore: SigstoreDouble

beforeAll(async () => {
  ;[bench, sigstore] = await Promise.all([
    startSigningBench('hor-signing-refusals-'),
    startSigstoreDouble({ workflow: { repository: `${OWNER}/charts` } })
  ])
})

afterAll(async () => {
  await Promise.all([bench?.stop(), sigstore?.stop()])
})

/** A release asking for signatures in both layouts and provenance. */
function release(options: {
  chart: string
  version: string
  inputs?: Record<string, string>
  env?: Record<string, string>
}): Promise<SigningRun> {
  return bench.release({
    ...options,
    sigstore,
    inputs: {
      sign: 'true',
      provenance: 'true',
      'signature-format': 'both',
      'github-token': ATTEST_TOKEN,
      ...options.inputs
    }
  })
}

describe('refusals before anything is pushed', () => {
  test('without an OIDC token: names id-token: write, shows the YAML, pushes nothing', async () => {
    const result = await release({
      chart: 'no-token',
      version: '1.0.0',
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: '',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: ''
      }
    })
    expect(result.exitCode).toBe(1)
    // The runner shows an annotation's message with its line breaks.
    const text = log(result).replace(/%0A/g, '\n').replace(/%25/g, '%')
    expect(text).toMatch(
      /'sign: true' and 'provenance: true' needs the workflow's OIDC token/
    )
    expect(text).toContain('id-token: write')
    expect(text).toMatch(/^ *permissions:$/m)
    expect(text).not.toMatch(/\n\s+at /)
    expect(
      await listTags(bench.registry, `${OWNER}/charts/no-token`, {
        username: USER,
        password: PASSWORD
      }).catch(() => [])
    ).toEqual([])
  })

  test('the OIDC endpoint refusing (403) fails before the push too', async () => {
    const result = await release({
      chart: 'token-refused',
      version: '1.0.0',
      env: { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-request-token' }
    })
    expect(result.exitCode).toBe(1)
    expect(log(result)).toContain('id-token: write')
    expect(await tagsOf('token-refused')).toEqual([])
  })

  test('a dry run without a token warns and succeeds, signing nothing', async () => {
    const result = await release({
      chart: 'dry',
      version: '1.0.0',
      inputs: { 'dry-run': 'true' },
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: '',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: ''
      }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.stdout).toMatch(/^::warning::.*id-token: write/m)
    expect(result.outputs['signature']).toBe('')
  })

  test('a registry that refuses the signature artifact type: named, nothing published', async () => {
    const proxy = await startFaultProxy(bench.registry.url, {
      match: (method, p) => method === 'PUT' && /\/manifests\/sha256:/.test(p)
    })
    try {
      proxy.failAlways({
        kind: 'status',
        status: 400,
        body: JSON.stringify({
          errors: [
            {
              code: 'MANIFEST_INVALID',
              message: 'manifest invalid',
              detail: 'unsupported artifact type'
            }
          ]
        })
      })
      const result = await release({
        chart: 'refused-type',
        version: '1.0.0',
        inputs: {
          registry: proxy.host,
          'signature-format': 'bundle',
          provenance: 'false'
        }
      })
      expect(result.exitCode).toBe(1)
      const text = log(result)
      expect(text).toContain('does not accept Sigstore bundles')
      expect(text).toContain('application/vnd.dev.sigstore.bundle.v0.3+json')
      expect(text).toContain('Nothing was published')
      expect(await tagsOf('refused-type')).toEqual([])
    } finally {
      await proxy.stop()
    }
  })
})

async function tagsOf(chart: string): Promise<string[]> {
  try {
    return await bench.client.listTags(`${OWNER}/charts/${chart}`)
  } catch {
    return []
  }
}
