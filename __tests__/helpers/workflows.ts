// Checks GitHub Actions workflows with GitHub's own parser
// (@actions/workflow-parser, the one behind the Actions VS Code extension and
// the workflow editor), then checks every step that uses this action against
// action.yml: a misspelled input, an unknown output or a broken expression is
// a problem with the file and line where it is.
import { register } from 'node:module'
import type * as WorkflowParser from '@actions/workflow-parser'
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import type { TokenRange } from '@actions/workflow-parser/templates/tokens/token-range'
import { parse } from 'yaml'

/** What a workflow may use of the action: the names in action.yml. */
export interface ActionSpec {
  inputs: string[]
  outputs: string[]
  /** Which `uses:` name the action; by default this one ({@link isThisAction}). */
  matches?: (uses: string) => boolean
}

/**
 * A workflow to check: a file, or a README example (then `content` may wrap
 * a step list, and positions are mapped back to the README).
 */
export interface WorkflowDoc {
  /** File the workflow comes from, for messages. */
  file: string
  content: string
  /** Line of `file` that holds the first line of the example. */
  firstLine: number
  /** Lines of `content` added in front of the example (a wrapper). */
  headerLines: number
  /** Columns `content` is indented by, relative to `file`. */
  indent: number
}

/** A workflow file as it is: positions are its own. */
export function workflowFile(file: string, content: string): WorkflowDoc {
  return { file, content, firstLine: 1, headerLines: 0, indent: 0 }
}

/** Reads action.yml's input and output names, in order. */
export function actionSpec(actionYml: string): ActionSpec {
  const action = parse(actionYml) as {
    inputs?: Record<string, unknown>
    outputs?: Record<string, unknown>
  }
  return {
    inputs: Object.keys(action.inputs ?? {}),
    outputs: Object.keys(action.outputs ?? {})
  }
}

/** True when a step's `uses:` names this action (local or published). */
export function isThisAction(uses: string): boolean {
  return uses === './' || /^helm-oci-release\/helm-oci-release@\S+$/.test(uses)
}

/** True when a step's `uses:` names the mirror action (local or published). */
export function isMirrorAction(uses: string): boolean {
  return (
    /^\.\/mirror\/?$/.test(uses) ||
    /^helm-oci-release\/helm-oci-release\/mirror@\S+$/.test(uses)
  )
}

// A minimal workflow around a README step list: GitHub's parser needs a whole
// workflow. The example's lines are indented under `steps:`.
const STEP_WRAPPER = [
  'on: workflow_dispatch',
  'jobs:',
  '  example:',
  '    runs-on: ubuntu-latest',
  '    steps:'
]
const STEP_INDENT = 6

/**
 * The workflow examples of a Markdown file: fenced ```yaml blocks that are a
 * workflow (they have `jobs:`) or a list of steps with `uses:` (wrapped into a
 * minimal workflow). Other YAML (Kubernetes resources, fragments) is left out.
 */
export function markdownWorkflows(
  markdown: string,
  file = 'README.md'
): WorkflowDoc[] {
  return yamlBlocks(markdown).flatMap(block => {
    const kind = blockKind(block.text)
    if (kind === 'workflow') {
      return [
        {
          file,
          content: block.text,
          firstLine: block.line,
          headerLines: 0,
          indent: 0
        }
      ]
    }
    if (kind === 'steps') {
      const body = block.text
        .split('\n')
        .map(line => (line === '' ? line : ' '.repeat(STEP_INDENT) + line))
      return [
        {
          file,
          content: [...STEP_WRAPPER, ...body].join('\n'),
          firstLine: block.line,
          headerLines: STEP_WRAPPER.length,
          indent: STEP_INDENT
        }
      ]
    }
    return []
  })
}

interface YamlBlock {
  /** The block's text, its fence's indentation removed. */
  text: string
  /** Line (1-based) of the block's first line in the Markdown file. */
  line: number
}

/** Fenced ```yaml / ```yml blocks, also inside list items (indented). */
function yamlBlocks(markdown: string): YamlBlock[] {
  const lines = markdown.split(/\r?\n/)
  const blocks: YamlBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ya?ml\s*$/.exec(lines[i])
    if (!open) continue
    const indent = open[1].length
    const body: string[] = []
    let j = i + 1
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j])) {
      body.push(lines[j].slice(Math.min(indent, leadingSpaces(lines[j]))))
      j++
    }
    blocks.push({ text: body.join('\n'), line: i + 2 })
    i = j
  }
  return blocks
}

function leadingSpaces(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0
}

/** `workflow`, `steps` (a list of steps with `uses:`) or `other`. */
function blockKind(text: string): 'workflow' | 'steps' | 'other' {
  if (/^jobs:/m.test(text)) return 'workflow'
  let value: unknown
  try {
    value = parse(text)
  } catch {
    // Let GitHub's parser say what is wrong with a step list that does not
    // parse; anything else is not ours to judge.
    return /^- /.test(text) && /\buses:/.test(text) ? 'steps' : 'other'
  }
  const isStep = (item: unknown): boolean =>
    typeof item === 'object' && item !== null && 'uses' in item
  return Array.isArray(value) && value.some(isStep) ? 'steps' : 'other'
}

/**
 * GitHub's parser, loaded once. The package imports its JSON schemas without
 * `with { type: 'json' }`, which Node refuses (actions/languageservices#387),
 * so a module hook adds that attribute to this package's JSON files only.
 */
let parserModule: Promise<typeof WorkflowParser> | undefined
const JSON_ATTRIBUTE_HOOK = `
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.includes('/@actions/workflow-parser/') && url.endsWith('.json')) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } })
  }
  return nextLoad(url, context)
}`

export function workflowParser(): Promise<typeof WorkflowParser> {
  parserModule ??= (async () => {
    register('data:text/javascript,' + encodeURIComponent(JSON_ATTRIBUTE_HOOK))
    return import('@actions/workflow-parser')
  })()
  return parserModule
}

/**
 * Every problem with a workflow, as `file:line:col: message`: what GitHub's
 * parser finds (schema, expressions, contexts), inputs of an action (this
 * one, or each of `actions`) that its action.yml does not declare, and
 * references to outputs it does not set.
 */
export async function workflowProblems(
  doc: WorkflowDoc,
  actions: ActionSpec | ActionSpec[]
): Promise<string[]> {
  const wp = await workflowParser()
  const result = wp.parseWorkflow(
    { name: doc.file, content: doc.content },
    new wp.NoOperationTraceWriter()
  )
  if (result.value) {
    // The conversion adds the semantic errors (duplicate ids, bad `needs`...).
    await wp.convertWorkflowTemplate(result.context, result.value)
  }
  const problems = result.context.errors
    .getErrors()
    .map(error => at(doc, error.range, error.rawMessage))
  for (const action of Array.isArray(actions) ? actions : [actions]) {
    if (result.value)
      problems.push(...actionProblems(wp, doc, result.value, action))
  }
  return problems
}

/** Problems of the steps that use this action, job by job. */
function actionProblems(
  wp: typeof WorkflowParser,
  doc: WorkflowDoc,
  root: TemplateToken,
  action: ActionSpec
): string[] {
  const jobs = wp.isMapping(root) ? root.find('jobs') : undefined
  if (!jobs || !wp.isMapping(jobs)) return []
  const problems: string[] = []
  for (const { value: job } of jobs) {
    if (!wp.isMapping(job)) continue
    const ids = new Set<string>()
    for (const step of steps(wp, job)) {
      const uses = step.find('uses')
      const ours = action.matches ?? isThisAction
      if (!uses || !wp.isString(uses) || !ours(uses.value)) continue
      const id = step.find('id')
      if (id && wp.isString(id)) ids.add(id.value)
      problems.push(...inputProblems(wp, doc, step, action))
    }
    problems.push(...outputProblems(wp, doc, job, ids, action))
  }
  return problems
}

function steps(wp: typeof WorkflowParser, job: MappingToken): MappingToken[] {
  const list = job.find('steps')
  if (!list || !wp.isSequence(list)) return []
  return [...list].filter(step => wp.isMapping(step))
}

function inputProblems(
  wp: typeof WorkflowParser,
  doc: WorkflowDoc,
  step: MappingToken,
  action: ActionSpec
): string[] {
  const inputs = step.find('with')
  if (!inputs || !wp.isMapping(inputs)) return []
  const problems: string[] = []
  for (const { key } of inputs) {
    const name = wp.isString(key) ? key.value : String(key)
    if (action.inputs.includes(name)) continue
    problems.push(
      at(
        doc,
        key.range,
        `'${name}' is not an input of this action${suggestion(name, action.inputs)}`
      )
    )
  }
  return problems
}

// `steps.<id>.outputs.<name>` and `steps.<id>.outputs['<name>']`.
const OUTPUT_REFERENCE =
  /\bsteps\.([A-Za-z_][\w-]*)\.outputs(?:\.([A-Za-z_][\w-]*)|\[\s*'([^']*)'\s*\])/g

/** References to outputs of this action's steps that action.yml does not declare. */
function outputProblems(
  wp: typeof WorkflowParser,
  doc: WorkflowDoc,
  job: MappingToken,
  ids: Set<string>,
  action: ActionSpec
): string[] {
  if (ids.size === 0) return []
  const problems: string[] = []
  for (const token of tokens(wp, job)) {
    const text = wp.isBasicExpression(token)
      ? token.expression
      : wp.isString(token)
        ? token.value
        : undefined
    if (text === undefined) continue
    for (const match of text.matchAll(OUTPUT_REFERENCE)) {
      const [, id, dotted, quoted] = match
      const name = dotted ?? quoted
      if (!ids.has(id) || action.outputs.includes(name)) continue
      problems.push(
        at(
          doc,
          token.range,
          `steps.${id}.outputs.${name}: '${name}' is not an output of this action${suggestion(name, action.outputs)}`
        )
      )
    }
  }
  return problems
}

/** A token and every token under it (mapping values, sequence items). */
function* tokens(
  wp: typeof WorkflowParser,
  token: TemplateToken
): Generator<TemplateToken> {
  yield token
  if (wp.isMapping(token)) {
    for (const { value } of token) yield* tokens(wp, value)
  } else if (wp.isSequence(token)) {
    for (const item of token) yield* tokens(wp, item)
  }
}

/** `file:line:col: message`, positions mapped back to the source file. */
function at(
  doc: WorkflowDoc,
  range: TokenRange | undefined,
  message: string
): string {
  if (!range) return `${doc.file}: ${message}`
  const line = doc.firstLine + range.start.line - 1 - doc.headerLines
  const col = Math.max(1, range.start.column - doc.indent)
  return `${doc.file}:${line}:${col}: ${message}`
}

/** ` (did you mean 'x'?)` for the closest known name, if it is close. */
function suggestion(name: string, known: string[]): string {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const distance = editDistance(name, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best !== undefined && bestDistance <= 3
    ? ` (did you mean '${best}'?)`
    : ''
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]
}

/**
 * `uses:` lines of a workflow file that do not pin a third-party action by
 * full commit SHA with a version comment (`owner/repo@<40 hex> # v1.2.3`).
 * Local actions (`./`) are ours; Docker images must be pinned by digest.
 */
export function unpinnedActions(content: string): string[] {
  const problems: string[] = []
  content.split('\n').forEach((line, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line)
    if (!match) return
    const [, ref, rest] = match
    if (ref.startsWith('./')) return
    const pinned = ref.startsWith('docker://')
      ? /@sha256:[0-9a-f]{64}$/.test(ref)
      : /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) &&
        /^\s+#\s*v\d+(\.\d+){0,2}\b/.test(rest)
    if (!pinned) problems.push(`line ${index + 1}: ${ref}${rest}`)
  })
  return problems
}
