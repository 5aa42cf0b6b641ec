// The action's own clone of a GitOps repository (src/github/git.ts: shallow, one
// branch, no tags, the token in git's environment), timed in a fresh process.
// Prints one JSON line: {"ms": …}.
//   node --import tsx bench/children/gitops-clone.ts <server-url> <owner/repo> <branch> <runner-temp>
// The token comes in BENCH_GIT_TOKEN, never in argv.
import { performance } from 'node:perf_hooks'
import { Git } from '../../src/github/git.js'
import { GITOPS_INPUTS } from '../../src/inputs/gitops.js'

async function main(): Promise<void> {
  const [serverUrl, repository, branch, runnerTemp] = process.argv.slice(2)
  const start = performance.now()
  const git = await Git.create({
    serverUrl,
    repository,
    token: process.env.BENCH_GIT_TOKEN ?? '',
    env: { ...process.env, RUNNER_TEMP: runnerTemp },
    inputNames: GITOPS_INPUTS
  })
  await git.clone(branch)
  const ms = performance.now() - start
  git.remove()
  process.stdout.write(`${JSON.stringify({ ms })}\n`)
}

await main()
