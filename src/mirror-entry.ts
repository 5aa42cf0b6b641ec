// The entry of the mirror action (mirror/action.yml, dist/mirror.js): the
// inputs first, then the mirror. A run that stops at its inputs (a bad line
// of `charts`) loads only what reading them and reporting the refusal need
// (its outputs and summary are set, as any run's are); the registry client,
// Helm and the copy load after, as src/main.ts does for the release.
import * as core from '@actions/core'
import { errorMessage, UserError } from './errors.js'
import { getMirrorConfig, type MirrorConfig } from './inputs/mirror.js'
import { reportRefusedInputs } from './mirror/refused-inputs.js'

/** The inputs, or, refused, the refusal reported and thrown on. */
async function readInputs(): Promise<MirrorConfig> {
  try {
    return getMirrorConfig()
  } catch (error) {
    await reportRefusedInputs(error)
    throw error
  }
}

try {
  const config = await readInputs()
  core.info(
    `${config.lines.length} line(s) to mirror into oci://${config.registry}/${config.repository}${config.dryRun ? ' (dry run)' : ''}.`
  )
  const { mirror } = await import('./mirror/run.js')
  await mirror(config)
} catch (error) {
  // A refusal is a message, never a stack trace (that goes to the debug log).
  if (!(error instanceof UserError) && error instanceof Error && error.stack)
    core.debug(error.stack)
  core.setFailed(errorMessage(error))
}
