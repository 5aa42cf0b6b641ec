// The story a user adopts the action for, step by step: publish a chart,
// release a new version whose GitOps pull request previews what changes in
// the cluster, check its signature and provenance, mirror it, and find its
// GitHub release. Each step runs dist/ (run.ts) and then shows what a user
// would look at afterwards, read back from the stand-ins themselves.
import path from 'node:path'
import type { StepResult } from '../../__tests__/helpers/action-runner.js'
import { sigstoreInputs } from '../../__tests__/helpers/signing-bench.js'
import { repoRoot } from '../../__tests__/helpers/paths.js'
import { makeRelease020 } from './charts.js'
import { readBack } from './read-back.js'
import { releaseInputs, runStep, type Demo } from './run.js'
import { GITOPS_REPO, OWNER, TOKEN } from './stand-ins.js'
import { showPullRequest } from './pull-request.js'
import { showVerified } from './verify.js'

const STEPS = 5
const GITHUB = 'https://github.com'
const CHART_PATH = `${OWNER}/charts/hello`

/** 1: publishes hello 0.1.0 and reads its digest back from the registry. */
export async function publish(demo: Demo): Promise<void> {
  demo.show.step(
    1,
    STEPS,
    'Publish hello 0.1.0 (a workflow run for tag v0.1.0)'
  )
  const result = await runStep(demo, {
    name: '1-publish',
    version: '0.1.0',
    inputs: releaseInputs(demo.standIns)
  })
  demo.show.outputs(result, ['chart-ref', 'digest', 'pushed'])
  await readBack(demo, CHART_PATH, '0.1.0', result.outputs.digest)
}

/**
 * 2: releases hello 0.2.0 as a release workflow with every capability on:
 * a job that pushes it signed, with provenance and a GitHub release, and a
 * job that opens the GitOps pull request moving the pins from 0.1.0 to
 * 0.2.0, with its rendered preview and changelog.
 */
export async function release(demo: Demo): Promise<StepResult> {
  const { standIns, show } = demo
  show.step(
    2,
    STEPS,
    'Release hello 0.2.0 (a template and values change), and its GitOps ' +
      `pull request in ${OWNER}/${GITOPS_REPO}`
  )
  show.say(
    'job "release": push, sign, attest, GitHub release; GITHUB_SERVER_URL ' +
      'https://github.com (the signing identity names it), GITHUB_API_URL ' +
      'the double'
  )
  const result = await runStep(demo, {
    name: '2a-release',
    version: '0.2.0',
    prepare: makeRelease020,
    inputs: {
      ...releaseInputs(standIns),
      sign: 'true',
      provenance: 'true',
      'signature-format': 'both',
      ...sigstoreInputs(standIns.sigstore),
      'github-release': 'true',
      'github-token': TOKEN
    },
    env: { ...standIns.sigstore.oidcEnv, GITHUB_SERVER_URL: GITHUB }
  })
  show.outputs(result, [
    'chart-ref',
    'digest',
    'pushed',
    'signatures',
    'attestation',
    'release-url'
  ])
  await readBack(demo, CHART_PATH, '0.2.0', result.outputs.digest)
  await gitops(demo)
  return result
}

/**
 * The GitOps job: the same action, 'if-exists: skip', with the GitOps inputs,
 * against the stand-in git server (its GITHUB_SERVER_URL).
 */
async function gitops(demo: Demo): Promise<void> {
  const { standIns, show } = demo
  console.log('')
  show.say(
    'job "gitops": the pull request, \'if-exists: skip\'; ' +
      'GITHUB_SERVER_URL the stand-in git server'
  )
  const result = await runStep(demo, {
    name: '2b-gitops',
    version: '0.2.0',
    prepare: makeRelease020,
    inputs: {
      ...releaseInputs(standIns),
      'if-exists': 'skip',
      'gitops-repository': `${OWNER}/${GITOPS_REPO}`,
      'gitops-token': TOKEN,
      'gitops-base-branch': 'main'
    }
  })
  show.outputs(result, [
    'pull-request-url',
    'pull-request-operation',
    'updated-files'
  ])
  showPullRequest(demo)
}

/** 3: what a verifier trusting the stand-in's root finds in the registry. */
export async function verify(demo: Demo, released: StepResult): Promise<void> {
  demo.show.step(3, STEPS, 'Verify the signature and the provenance of 0.2.0')
  await showVerified(demo, CHART_PATH, released.outputs.digest)
}

/** 4: the mirror action copies hello 0.2.0, its signatures with it. */
export async function mirror(demo: Demo, released: StepResult): Promise<void> {
  const { standIns, show } = demo
  show.step(
    4,
    STEPS,
    `Mirror hello 0.2.0 into ${OWNER}/mirror (mirror/action.yml)`
  )
  const result = await runStep(demo, {
    name: '4-mirror',
    actionYmlPath: path.join(repoRoot, 'mirror', 'action.yml'),
    inputs: {
      charts: `oci://${standIns.registry.host}/${CHART_PATH} 0.2.0`,
      registry: standIns.registry.host,
      repository: `${OWNER}/mirror`,
      password: '',
      'plain-http': 'true',
      'source-plain-http': 'true'
    }
  })
  show.outputs(result, ['copied', 'skipped', 'refused'])
  const [copy] = JSON.parse(result.outputs.mirrored ?? '[]') as {
    digest?: string
  }[]
  const copied = `${OWNER}/mirror/hello`
  await readBack(demo, copied, '0.2.0', copy?.digest ?? '(none)')
  if (copy?.digest !== released.outputs.digest)
    throw new Error(`the mirror copied ${copy?.digest}, not the release's`)
  show.say('the copy is the release, digest for digest')
  await showVerified(demo, copied, released.outputs.digest)
}

/** 5: the GitHub release step 2 made, as the GitHub API double holds it. */
export function githubRelease(demo: Demo, released: StepResult): void {
  const { standIns, show } = demo
  show.step(5, STEPS, 'The GitHub release of v0.2.0 (in the GitHub API double)')
  const made = standIns.github.releases(OWNER, 'charts')
  const ours = made.find(r => r.tag === 'v0.2.0')
  if (!ours) throw new Error('the GitHub API double holds no release v0.2.0')
  show.say(
    `release ${ours.tag}, release-url ${released.outputs['release-url']} ` +
      "(the double's address for it: nothing is on GitHub)"
  )
  show.say(`assets: ${ours.assets.map(a => a.name).join(', ')}`)
  show.file('5-release-notes.md', ours.body, 'its notes (Markdown)')
}
