// What the signing tests through dist/ share: a real registry with token
// auth, the Helm mirror, the OpenAPI-checked GitHub double (attestations),
// a reading client, and one release run of a chart as a runner runs it,
// signed through whichever Sigstore double the test gives.
import path from 'node:path'
import { RegistryClient } from '../../src/registry/client.js'
import {
  makeRunnerDirs,
  runMain,
  visibleLog,
  type StepResult
} from './action-runner.js'
import { writeChart } from './charts.js'
import { startGitHubDouble, type GitHubDouble } from './github-double.js'
import { startMirror, type Mirror } from './helm-mirror.js'
import { HELM3, HELM4, removeDir, tempDir } from './paths.js'
import { startRegistry, type Registry } from './registry.js'
import type { InstanceShape, SigstoreDouble } from './sigstore-double.js'
import { startTokenServer, type TokenServer } from './token-server.js'

export const USER = 'releaser'
export const PASSWORD = 'push-s3cret'
export const ATTEST_TOKEN = 'ghs_attestationsToken0123456789'
export const OWNER = 'octo-org'
export const REPO = 'charts'

/** One release run: `inputs` come on top of the registry and Helm ones. */
export interface Release {
  chart: string
  version: string
  sigstore: SigstoreDouble<InstanceShape>
  /** Default Helm 4. */
  helm?: string
  inputs?: Record<string, string>
  env?: Record<string, string>
}

/** A run's result, and the runner folders it used (workspace, temp, ...). */
export type SigningRun = StepResult & { runDir: string }

export interface SigningBench {
  registry: Registry
  client: RegistryClient
  github: GitHubDouble
  /** Runs the action's main step through dist/; a chart folder per run. */
  release(options: Release): Promise<SigningRun>
  stop(): Promise<void>
}

/**
 * The `sigstore-*-url` inputs that point the action at a double served on
 * loopback; none for one served under its instance's real names, which the
 * action finds by itself (`sigstore: auto`).
 */
export function sigstoreInputs(
  sigstore: SigstoreDouble<InstanceShape>
): Record<string, string> {
  if (Object.keys(sigstore.networkEnv).length > 0) return {}
  return {
    'sigstore-fulcio-url': sigstore.fulcioUrl,
    'sigstore-rekor-url': sigstore.rekorUrl ?? '',
    'sigstore-tsa-url': sigstore.tsaUrl ?? ''
  }
}

export function log(result: StepResult): string {
  return visibleLog(result).join('\n')
}

/** Starts the registry, the Helm mirror and the GitHub double. */
export async function startSigningBench(prefix: string): Promise<SigningBench> {
  const root = tempDir(prefix)
  let mirror: Mirror | undefined
  let tokens: TokenServer | undefined
  let registry: Registry | undefined
  let github: GitHubDouble | undefined
  try {
    ;[mirror, tokens, github] = await Promise.all([
      startMirror({ versions: [HELM3, HELM4] }),
      startTokenServer({ users: { [USER]: PASSWORD } }),
      startGitHubDouble({ tokens: [ATTEST_TOKEN] })
    ])
    registry = await startRegistry({ auth: tokens.registryAuth() })
  } catch (error) {
    await Promise.all([mirror?.stop(), tokens?.stop(), github?.close()])
    throw error
  }
  github.addRepository({ owner: OWNER, repo: REPO })
  const client = new RegistryClient({
    registry: registry.host,
    username: USER,
    password: PASSWORD,
    plainHttp: true,
    insecureSkipTlsVerify: false
  })
  const [site, host] = [mirror, registry]
  const apiUrl = github.apiUrl
  let runs = 0
  return {
    registry,
    client,
    github,
    async release(options) {
      const runDir = path.join(root, `run-${++runs}`)
      const dirs = makeRunnerDirs(runDir)
      writeChart(path.join(dirs.workspace, 'charts'), {
        name: options.chart,
        version: options.version
      })
      const result = await runMain({
        inputs: {
          chart: `charts/${options.chart}`,
          registry: host.host,
          repository: `${OWNER}/${REPO}`,
          username: USER,
          password: PASSWORD,
          'plain-http': 'true',
          tag: `v${options.version}`,
          'helm-version': options.helm ?? HELM4,
          'helm-download-url': site.url,
          ...sigstoreInputs(options.sigstore),
          ...options.inputs
        },
        github: { repository_owner: OWNER, actor: 'octocat', token: '' },
        env: {
          ...options.sigstore.oidcEnv,
          ...options.sigstore.networkEnv,
          GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_API_URL: apiUrl,
          GITHUB_REF: `refs/tags/v${options.version}`,
          ...options.env
        },
        dirs
      })
      return { ...result, runDir }
    },
    async stop() {
      await Promise.all([
        site.stop(),
        host.stop(),
        tokens?.stop(),
        github?.close()
      ])
      removeDir(root)
    }
  }
}
