// Typed main -> post state. action.yml runs dist/post.js for the post step;
// dist/index.js still tells the two apart (main saves `isPost`) for runners
// and tests that start it as both. A folder saved for the post step also
// marks its cleanup pending for action.yml's `runs.post-if` (post-marker.ts).
import * as core from '@actions/core'
import { handToPost } from './post-marker.js'

const IS_POST = 'isPost'
const SANDBOX = 'sandboxDir'
const GITOPS = 'gitopsDir'

export function isPost(): boolean {
  return core.getState(IS_POST) === 'true'
}

export function markMainStarted(): void {
  core.saveState(IS_POST, 'true')
}

/** Hands the per-run Helm folder to the post step (and marks it pending). */
export function saveSandboxDir(dir: string): void {
  core.saveState(SANDBOX, dir)
  handToPost(dir)
}

export function savedSandboxDir(): string | undefined {
  return core.getState(SANDBOX) || undefined
}

/** Hands the GitOps clone to the post step (and marks it pending). */
export function saveGitopsDir(dir: string): void {
  core.saveState(GITOPS, dir)
  handToPost(dir)
}

export function savedGitopsDir(): string | undefined {
  return core.getState(GITOPS) || undefined
}
