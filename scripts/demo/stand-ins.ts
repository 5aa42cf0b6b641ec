// The local stand-ins the demo runs the action against, started together and
// each labelled with what it stands in for: nothing the demo does reaches
// the internet or anything real. They are the test suite's own doubles
// (__tests__/helpers/), so the demo shows what the tests check.
import { errorMessage } from '../../src/errors.js'
import { registryBinary } from '../../__tests__/helpers/registry.js'
import {
  startGitopsServers,
  type GitopsServers
} from '../../__tests__/helpers/gitops-servers.js'
import {
  startSigstoreDouble,
  type SigstoreDouble
} from '../../__tests__/helpers/sigstore-double.js'

/** The GitHub owner of the demo's repositories. */
export const OWNER = 'demo'
/** The repository whose release workflow the demo plays (`${OWNER}/charts`). */
export const CHARTS_REPO = 'charts'
/** The GitOps repository whose pins the demo's pull request moves. */
export const GITOPS_REPO = 'gitops'
/** The one token the GitHub double and the git server accept. */
export const TOKEN = 'ghs_demoToken0123456789abcdef'

/** The running stand-ins: the GitOps servers, the Sigstore double, labels. */
export type StandIns = GitopsServers & {
  sigstore: SigstoreDouble
  /** One line per stand-in: its address and what it stands in for. */
  labels(): string[]
}

/** Why the stand-ins did not start, and the fix. */
export function explainStartFailure(error: unknown): string {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT')
    return (
      `'${registryBinary()}' is not installed. Install the CNCF distribution ` +
      "registry (Debian/Ubuntu: 'sudo apt-get install docker-registry'; or " +
      "run 'npm run setup'), or set REGISTRY_BIN to a registry binary."
    )
  return `the local stand-ins did not start: ${errorMessage(error)}`
}

/**
 * Starts the registry, the Helm download mirror, the git server, the GitHub
 * API double and the Sigstore double, for a release workflow of
 * `${OWNER}/${CHARTS_REPO}` run for the tag `ref`.
 */
export async function startStandIns(ref: string): Promise<StandIns> {
  const [servers, sigstore] = await Promise.all([
    startGitopsServers(TOKEN),
    startSigstoreDouble({
      workflow: {
        repository: `${OWNER}/${CHARTS_REPO}`,
        ref,
        visibility: 'public'
      }
    })
  ])
  servers.github.addRepository({ owner: OWNER, repo: CHARTS_REPO })
  servers.github.addRepository({ owner: OWNER, repo: GITOPS_REPO })
  return {
    ...servers,
    sigstore,
    labels: () => [
      `registry        ${servers.registry.url}  a CNCF distribution registry ` +
        '(docker-registry) on loopback, in place of ghcr.io',
      `Helm downloads  ${servers.mirror.url}  a loopback copy of ` +
        "get.helm.sh's Helm archive and checksum",
      `git server      ${servers.git.url}  git over smart HTTP, in place ` +
        `of github.com (${OWNER}/${GITOPS_REPO})`,
      `GitHub API      ${servers.github.apiUrl}  the OpenAPI-checked GitHub ` +
        'API double (pull requests, releases, attestations)',
      `Sigstore        ${sigstore.fulcioUrl}  the local Sigstore stand-in ` +
        'the tests use (OIDC, Fulcio, Rekor, timestamps): its root is ' +
        'trusted by nothing real'
    ],
    async stop() {
      await Promise.all([servers.stop(), sigstore.stop()])
    }
  }
}
