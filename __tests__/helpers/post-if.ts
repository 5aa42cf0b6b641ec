// Whether a GitHub runner starts an action's post step, decided as
// actions/runner decides it (read at 258d6c8): StepsRunner.cs evaluates
// `runs.post-if` (default `always()`, ActionManifestManager.cs) as written,
// with the status functions of Expressions/SuccessFunction.cs & co., which
// for a post step read the JOB's status, and with `env` built from the job's
// environment (what every step's GITHUB_ENV set, applied in ActionRunner.cs's
// `finally`, also for a killed step). A failed step with `continue-on-error`
// leaves the job's status `success` (ExecutionContext.ApplyContinueOnError).
// The expression language is GitHub's own (@actions/expressions).
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import { truthy } from '@actions/expressions/result'
import { parseFileCommand } from './action-runner.js'

/** The job's status when the post steps run (runner: JobContext.Status). */
export type JobStatus = 'success' | 'failure' | 'cancelled'

/** What the runner knows when it reaches a post step. */
export interface PostJob {
  status: JobStatus
  /** The job's environment: job `env:` and every GITHUB_ENV line so far. */
  env: Record<string, string>
}

/** How a step ended, and the job's status it leaves (StepsRunner.cs). */
export function jobStatusAfter(
  step: 'succeeded' | 'failed' | 'cancelled',
  continueOnError = false
): JobStatus {
  if (step === 'cancelled') return 'cancelled'
  if (step === 'failed' && !continueOnError) return 'failure'
  return 'success'
}

/** The job's environment after a step wrote `envFile` (GITHUB_ENV's text). */
export function applyEnvFile(
  env: Record<string, string>,
  envFile: string
): Record<string, string> {
  return { ...env, ...parseFileCommand(envFile) }
}

/** True when the runner would start the post step whose `post-if` is `condition`. */
export function postStepStarts(
  condition: string | undefined,
  job: PostJob
): boolean {
  const lexed = new Lexer(condition ?? 'always()').lex()
  const functions = statusFunctions(job.status)
  const ast = new Parser(
    lexed.tokens,
    ['env', 'github', 'job', 'runner', 'steps', 'strategy', 'matrix', 'vars'],
    [...functions.values()]
  ).parse()
  const env = new data.Dictionary(
    ...Object.entries(job.env).map(([key, value]) => ({
      key,
      value: new data.StringData(value)
    }))
  )
  const context = new data.Dictionary({ key: 'env', value: env })
  return truthy(new Evaluator(ast, context, functions).evaluate())
}

interface StatusFunction {
  name: string
  minArgs: number
  maxArgs: number
  call: () => data.ExpressionData
}

/** always(), success(), failure(), cancelled(): the job's status. */
function statusFunctions(status: JobStatus): Map<string, StatusFunction> {
  const is = (wanted: JobStatus | 'any') => () =>
    new data.BooleanData(wanted === 'any' || wanted === status)
  return new Map(
    (
      [
        ['always', 'any'],
        ['success', 'success'],
        ['failure', 'failure'],
        ['cancelled', 'cancelled']
      ] as const
    ).map(([name, wanted]) => [
      name,
      { name, minArgs: 0, maxArgs: 0, call: is(wanted) }
    ])
  )
}
