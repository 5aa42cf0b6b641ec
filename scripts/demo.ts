// The local demo (`npm run demo`): the story a user adopts the action for,
// run from dist/ as a runner runs it, against local stand-ins that are
// labelled as such (scripts/demo/stand-ins.ts):
// 1. publish examples/charts/hello 0.1.0 and read its digest back;
// 2. release 0.2.0 (a template and values change), signed, with provenance,
//    a GitHub release, and the GitOps pull request whose preview renders the
//    change at each place that pins the chart (0.1.0 -> 0.2.0) with the
//    changelog;
// 3. verify the signatures and the provenance;
// 4. mirror 0.2.0 with the mirror action, signatures included;
// 5. show the GitHub release.
// Each run's log shows as the run page first does (groups collapsed;
// `--debug` expands them, debug lines included); whole logs, summaries, the
// pull request's body and the release notes go to files in one folder
// (`--out <dir>`, else a new temporary one), named as they are written.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  HELM4,
  realHelm,
  removeDir,
  repoRoot,
  tempDir
} from '../__tests__/helpers/paths.js'
import { errorMessage } from '../src/errors.js'
import { debugWanted } from './run-log.js'
import { gitopsFiles } from './demo/charts.js'
import { createShow } from './demo/show.js'
import {
  explainStartFailure,
  GITOPS_REPO,
  OWNER,
  startStandIns,
  type StandIns
} from './demo/stand-ins.js'
import {
  githubRelease,
  mirror,
  publish,
  release,
  verify
} from './demo/story.js'
import type { Demo } from './demo/run.js'

function die(message: string): never {
  console.error(`\ndemo: ${message}`)
  process.exit(1)
}

function checkPrerequisites(): void {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js')))
    die("dist/index.js is missing: run 'npm run bundle'.")
  if (!fs.existsSync(realHelm(HELM4)))
    die("Helm is not fetched yet: run 'npm run setup' first.")
}

/** `--out <dir>`, or a new folder under the system's temporary one. */
function outDir(argv: readonly string[]): string {
  const at = argv.indexOf('--out')
  if (at >= 0 && argv[at + 1]) return path.resolve(argv[at + 1])
  return fs.mkdtempSync(path.join(os.tmpdir(), 'helm-oci-release-demo-out-'))
}

async function standIns(): Promise<StandIns> {
  try {
    return await startStandIns('refs/tags/v0.2.0')
  } catch (error) {
    die(explainStartFailure(error))
  }
}

async function story(demo: Demo): Promise<void> {
  await publish(demo)
  const released = await release(demo)
  await verify(demo, released)
  await mirror(demo, released)
  githubRelease(demo, released)
}

async function main(): Promise<void> {
  checkPrerequisites()
  const show = createShow(
    outDir(process.argv),
    debugWanted(process.argv, process.env)
  )
  const work = tempDir('helm-oci-release-demo-')
  const servers = await standIns()
  console.log('demo: local stand-ins (nothing here reaches anything real):')
  for (const label of servers.labels()) console.log(`  ${label}`)
  try {
    servers.git.createRepo(
      `${OWNER}/${GITOPS_REPO}`,
      'main',
      gitopsFiles(servers.registry.host)
    )
    await story({ standIns: servers, show, work })
    console.log(`\ndemo: done. Files: ${show.outDir}`)
  } catch (error) {
    process.exitCode = 1
    console.error(`\ndemo: ${errorMessage(error)}`)
  } finally {
    await servers.stop()
    removeDir(work)
  }
}

await main()
