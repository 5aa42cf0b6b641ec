// The "post step counted" row (#27): a post step counts only where a runner
// would start it. After each timed run, action.yml's `runs.post-if` is
// evaluated as actions/runner evaluates it (__tests__/helpers/post-if.ts) on
// a job that succeeded, with the environment main left in GITHUB_ENV. The
// post step's own process is still timed after every run: it is what a failed
// or cancelled job pays, and the section's step table shows it.
import {
  actionYml,
  type StepResult
} from '../../__tests__/helpers/action-runner.js'
import { postStepStarts } from '../../__tests__/helpers/post-if.js'
import { figure, ms, type Row } from '../report.js'
import { median, pairedRatios, summarize } from '../stats.js'

/** One timed run of the action, its post step timed after it. */
export interface PostSample {
  main: number
  /** The post step's own process, timed whether or not a runner starts it. */
  post: number
  /** Whether a runner starts it: action.yml's post-if, the job succeeded. */
  postStarts: boolean
}

/** Whether a runner starts the post step after `main` in a job that succeeded. */
export function runnerStartsPost(main: StepResult): boolean {
  return postStepStarts(actionYml().runs['post-if'], {
    status: 'success',
    env: main.env
  })
}

/** Main, plus the post step where a runner would start it, per run. */
export function withPost(samples: readonly PostSample[]): number[] {
  return samples.map(s => s.main + (s.postStarts ? s.post : 0))
}

/** The row, main + post (where started) vs the same bare commands. */
export function postRow(
  samples: readonly PostSample[],
  bareMs: readonly number[],
  workload: string
): Row {
  const counted = withPost(samples)
  const ratio = summarize(pairedRatios(counted, bareMs))
  return {
    what: 'Publish one chart, post step counted',
    workload:
      'the same action runs, each followed by its post step (`node dist/post.js`) where a runner ' +
      'would start it: action.yml’s `runs.post-if` evaluated as actions/runner does, on the job ' +
      'succeeded and the environment main left in GITHUB_ENV (started after ' +
      `${started(samples)} of ${samples.length} runs); main + post vs the same bare ` +
      '`helm package` + `helm push`, paired per rep; ' +
      workload,
    action: figure(counted, 'ms'),
    baseline: figure(bareMs, 'ms'),
    ratio,
    target: { goal: '≤ 1.60×', met: ratio.median <= 1.6 }
  }
}

/** How many runs a runner would follow with the post step. */
export function started(samples: readonly PostSample[]): number {
  return samples.filter(s => s.postStarts).length
}

const x = (ratio: number): string => `${ratio.toFixed(2)}×`

/** The floor paragraph's sentence on the post step. */
export function postFloorSentence(
  samples: readonly PostSample[],
  floorPost: number,
  bare: number
): string {
  const n = started(samples)
  if (n === 0)
    return (
      'A runner starts no post step after these runs: action.yml’s `post-if` is false when the ' +
      'job succeeded and main removed what it handed the post step (#27); a post step, a second ' +
      `node process, would make the floor ${ms(floorPost)}, ${x(floorPost / bare)}. `
    )
  return (
    `Counting the post step, a second node process (a runner starts it after ${n} of ` +
    `${samples.length} runs): ${ms(floorPost)}, ${x(floorPost / bare)}. `
  )
}

/** The paragraph when the row's target is not met, or none. */
export function postTargetMissed(
  samples: readonly PostSample[],
  ratioPost: number,
  floorPost: number,
  bare: number,
  node: number
): string | undefined {
  if (ratioPost <= 1.6) return undefined
  const post = median(samples.map(s => s.post))
  return (
    `**Target ≤ 1.60× with the post step not met (${x(ratioPost)}).** ` +
    (started(samples) === 0
      ? 'No post step starts after these runs: this is the main step’s own overhead.'
      : `The floor with the post step is ${x(floorPost / bare)}; the post step itself takes ` +
        `${ms(post)}, ${ms(post - node)} more than \`node -e ""\`.`)
  )
}
