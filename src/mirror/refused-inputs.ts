// What a mirror run refused at its inputs (a bad line of `charts`, a bad
// boolean) reports, so that a later step and the run page see the refusal as
// they see any other: every output set, and a summary that names it. Nothing
// was read from a registry, so no chart version is known.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import { clip, htmlWithCode } from '../markdown.js'
import { MAX_SHOWN_ERROR } from './summary.js'

/** The heading of a run refused at its inputs. */
export const REFUSED_INPUTS_TITLE =
  'Mirror refused its inputs: nothing was read or copied'

/**
 * The outputs and summary of a run refused at its inputs. `mirrored` is `[]`
 * and `copied` `0`: no chart version was read, nothing was written.
 * `skipped` and `refused` are empty: they count chart versions, and how
 * many the lines name is not known before a source is read.
 */
export async function reportRefusedInputs(error: unknown): Promise<void> {
  core.setOutput('mirrored', '[]')
  core.setOutput('copied', '0')
  core.setOutput('skipped', '')
  core.setOutput('refused', '')
  try {
    await core.summary
      .addHeading(REFUSED_INPUTS_TITLE, 2)
      .addRaw(
        `<p>${htmlWithCode(clip(errorMessage(error), MAX_SHOWN_ERROR))}</p>`,
        true
      )
      .write()
  } catch (failure) {
    // No GITHUB_STEP_SUMMARY (a local run): the refusal itself still shows.
    core.warning(`Could not write the job summary: ${errorMessage(failure)}`)
  }
}
