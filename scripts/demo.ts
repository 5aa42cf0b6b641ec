// The local demo (`npm run demo`): everything a release does, on this machine.
// 1. Starts a real registry (CNCF distribution) on loopback, a loopback mirror
//    of Helm's downloads, and a git server holding an example GitOps repository.
// 2. Publishes examples/charts/hello through the bundled action (dist/), the way
//    a runner runs it: Helm is downloaded, checksum-verified and cached.
// 3. Runs the action again in dry-run mode with the GitOps step: the chart is
//    already published ('if-exists: skip'), and the pull request it would open
//    in the example GitOps repository is printed with its diff.
import fs from 'node:fs'
import path from 'node:path'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../__tests__/helpers/action-runner.js'
import { startGitServer } from '../__tests__/helpers/git-server.js'
import { startMirror } from '../__tests__/helpers/helm-mirror.js'
import {
  HELM4,
  realHelm,
  removeDir,
  repoRoot,
  tempDir
} from '../__tests__/helpers/paths.js'
import { registryBinary, startRegistry } from '../__tests__/helpers/registry.js'
import { createRunLog, debugWanted } from './run-log.js'

const TOKEN = 'demo-gitops-token'

function die(message: string): never {
  console.error(`\ndemo: ${message}`)
  process.exit(1)
}

function checkPrerequisites(): void {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) {
    die("dist/index.js is missing: run 'npm run bundle'.")
  }
  if (!fs.existsSync(realHelm(HELM4))) {
    die("Helm is not fetched yet: run 'npm run setup' first.")
  }
}

async function registryOrExplain(): Promise<
  Awaited<ReturnType<typeof startRegistry>>
> {
  try {
    return await startRegistry()
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    die(
      missing
        ? `'${registryBinary()}' is not installed. Install the CNCF distribution registry ` +
            "(Debian/Ubuntu: 'sudo apt-get install docker-registry'; or run 'npm run setup'), " +
            'or set REGISTRY_BIN to a registry binary.'
        : `the registry did not start: ${(error as Error).message}`
    )
  }
}

function gitopsFiles(registryHost: string): Record<string, string> {
  const dir = path.join(repoRoot, 'examples', 'gitops')
  const files: Record<string, string> = {}
  for (const file of ['apps/hello.yaml', 'flux/hello.yaml', 'README.md']) {
    files[file] = fs
      .readFileSync(path.join(dir, file), 'utf8')
      .replaceAll('REGISTRY', registryHost)
  }
  return files
}

function printOutputs(title: string, result: StepResult): void {
  console.log(`\ndemo: ${title}`)
  for (const [key, value] of Object.entries(result.outputs))
    console.log(`  ${key} = ${value}`)
  console.log(
    '\ndemo: job summary (markdown, as GitHub renders it on the run page)'
  )
  console.log(result.summary)
}

/**
 * Prints each line of the action's log as the run page shows it (groups as
 * headings, annotations as `error:` lines, debug lines only with `--debug` or
 * RUNNER_DEBUG=1), not as the raw workflow commands the runner reads.
 */
function showLikeTheRunPage(): (line: string) => void {
  const render = createRunLog({ debug: debugWanted(process.argv, process.env) })
  return line => {
    const shown = render(line)
    if (shown !== undefined) console.log(shown)
  }
}

async function main(): Promise<void> {
  checkPrerequisites()
  const work = tempDir('helm-oci-release-demo-')
  const registry = await registryOrExplain()
  const [mirror, git] = await Promise.all([
    startMirror({ versions: [HELM4] }),
    startGitServer(TOKEN)
  ])
  try {
    git.createRepo('demo/gitops', 'main', gitopsFiles(registry.host))
    const common = {
      github: { repository_owner: 'demo', actor: 'octocat', token: '' },
      env: {
        GITHUB_REF: 'refs/tags/v0.1.0',
        GITHUB_SERVER_URL: git.url,
        GITHUB_API_URL: 'http://127.0.0.1:9/unused-in-dry-run'
      },
      echo: showLikeTheRunPage()
    }
    const inputs = {
      chart: 'examples/charts/hello',
      registry: registry.host,
      repository: 'demo/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true'
    }
    const workspace = (name: string) => {
      const dirs = makeRunnerDirs(path.join(work, name))
      fs.cpSync(
        path.join(repoRoot, 'examples'),
        path.join(dirs.workspace, 'examples'),
        { recursive: true }
      )
      return dirs
    }
    console.log(
      `demo: registry ${registry.url}, Helm mirror ${mirror.url}, git server ${git.url}`
    )
    console.log(
      'demo: 1/2 publishing examples/charts/hello 0.1.0 (tag v0.1.0)\n'
    )
    const publish = await runMain({
      ...common,
      inputs,
      dirs: workspace('publish')
    })
    if (publish.exitCode !== 0)
      die(`the release failed (exit ${publish.exitCode}); see above.`)
    printOutputs('outputs of the release', publish)

    console.log('demo: 2/2 the GitOps pull request, in dry-run mode\n')
    const bump = await runMain({
      ...common,
      inputs: {
        ...inputs,
        'if-exists': 'skip',
        'dry-run': 'true',
        'gitops-repository': 'demo/gitops',
        'gitops-token': TOKEN,
        'gitops-base-branch': 'main'
      },
      dirs: workspace('gitops')
    })
    if (bump.exitCode !== 0)
      die(`the GitOps dry run failed (exit ${bump.exitCode}); see above.`)
    printOutputs('outputs of the GitOps dry run', bump)
    console.log('demo: done.')
  } finally {
    await Promise.all([registry.stop(), mirror.stop(), git.stop()])
    removeDir(work)
  }
}

await main()
