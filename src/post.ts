// The post step: what a killed main step left behind (the per-run Helm folder
// with its credentials, the GitOps clone) is removed here.
import * as core from '@actions/core'
import { errorMessage } from './errors.js'
import { removeSandbox } from './sandbox.js'
import { savedGitopsDir, savedSandboxDir } from './state.js'

/**
 * The post step: removes the per-run Helm folder (with its registry
 * credentials) and the GitOps clone, in case the main step died before it
 * could. Never fails the job.
 */
export async function runPost(): Promise<void> {
  for (const dir of [savedSandboxDir(), savedGitopsDir()]) {
    if (!dir) continue
    try {
      if (removeSandbox(dir)) core.info(`Removed ${dir}`)
    } catch (error) {
      core.warning(`Could not remove ${dir}: ${errorMessage(error)}`)
    }
  }
}
