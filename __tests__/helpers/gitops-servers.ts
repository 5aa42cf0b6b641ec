// The real parts an end-to-end GitOps test runs against, started together:
// a registry, a loopback Helm mirror, a git server over smart HTTP and the
// OpenAPI-checked GitHub double (which learns the git server's branches).
import { startGitServer, type GitServer } from './git-server.js'
import { startGitHubDouble, type GitHubDouble } from './github-double.js'
import { startMirror, type Mirror } from './helm-mirror.js'
import { HELM4 } from './paths.js'
import { startRegistry, type Registry } from './registry.js'

export interface GitopsServers {
  registry: Registry
  mirror: Mirror
  git: GitServer
  github: GitHubDouble
  stop(): Promise<void>
}

export async function startGitopsServers(
  token: string,
  helmVersions: readonly string[] = [HELM4]
): Promise<GitopsServers> {
  // The double asks the git server for branch heads; it is set just below.
  const servers: { git?: GitServer } = {}
  const [registry, mirror, git, github] = await Promise.all([
    startRegistry(),
    startMirror({ versions: helmVersions }),
    startGitServer(token),
    startGitHubDouble({
      tokens: [token],
      gitBranchHead: (repository, branch) =>
        servers.git?.head(repository, branch)
    })
  ])
  servers.git = git
  return {
    registry,
    mirror,
    git,
    github,
    async stop() {
      await Promise.all([
        registry.stop(),
        mirror.stop(),
        git.stop(),
        github.close()
      ])
    }
  }
}

/** The runner's `github` context and environment for a release of `version` against the servers. */
export function gitopsRunContext(
  servers: Pick<GitopsServers, 'git' | 'github'>,
  version: string,
  workflowToken = 'ghs_workflow'
): { github: Record<string, string>; env: Record<string, string> } {
  return {
    github: {
      repository_owner: 'acme',
      actor: 'octocat',
      token: workflowToken
    },
    env: {
      GITHUB_REF: `refs/tags/v${version}`,
      GITHUB_SERVER_URL: servers.git.url,
      GITHUB_API_URL: servers.github.apiUrl
    }
  }
}
