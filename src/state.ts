import * as core from '@actions/core'

// Typed main -> post state. action.yml runs dist/post.js for the post step;
// dist/index.js still tells the two apart (main saves `isPost`) for runners
// and tests that start it as both.
const IS_POST = 'isPost'
const SANDBOX = 'sandboxDir'
const GITOPS = 'gitopsDir'

export function isPost(): boolean {
  return core.getState(IS_POST) === 'true'
}

export function markMainStarted(): void {
  core.saveState(IS_POST, 'true')
}

export function saveSandboxDir(dir: string): void {
  core.saveState(SANDBOX, dir)
}

export function savedSandboxDir(): string | undefined {
  return core.getState(SANDBOX) || undefined
}

export function saveGitopsDir(dir: string): void {
  core.saveState(GITOPS, dir)
}

export function savedGitopsDir(): string | undefined {
  return core.getState(GITOPS) || undefined
}
