// The repository's workflows and README's workflow examples pass GitHub's own
// workflow parser, and every step that uses this action gives only inputs
// action.yml declares and reads only outputs it sets.
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { describe, expect, test } from 'vitest'
import { HELM_VERSIONS, repoRoot } from '../helpers/paths.js'
import {
  actionSpec,
  isMirrorAction,
  isThisAction,
  markdownWorkflows,
  unpinnedActions,
  workflowFile,
  workflowProblems,
  type ActionSpec
} from '../helpers/workflows.js'

function read(file: string): string {
  return fs.readFileSync(path.join(repoRoot, file), 'utf8')
}

const action = actionSpec(read('action.yml'))
const mirror: ActionSpec = {
  ...actionSpec(read('mirror/action.yml')),
  matches: isMirrorAction
}
const workflowDir = path.join('.github', 'workflows')
const workflowFiles = fs
  .readdirSync(path.join(repoRoot, workflowDir))
  .filter(name => /\.ya?ml$/.test(name))
  .sort()
const readme = read('README.md')
// The pages a user copies workflows from: README and the docs it links.
const docPages = [
  'README.md',
  'mirror/README.md',
  ...fs
    .readdirSync(path.join(repoRoot, 'docs'))
    .filter(name => name.endsWith('.md'))
    .sort()
    .map(name => `docs/${name}`)
]
const readmeExamples = docPages.flatMap(page =>
  markdownWorkflows(read(page), page)
)

describe("the repository's workflows", () => {
  test('are CI, CodeQL, E2E and Release', () => {
    expect(workflowFiles).toEqual([
      'ci.yml',
      'codeql.yml',
      'e2e.yml',
      'release.yml'
    ])
  })

  test.each(workflowFiles)(
    "%s passes GitHub's parser and gives this action only its own inputs",
    async file => {
      const content = read(path.join(workflowDir, file))
      const doc = workflowFile(`${workflowDir}/${file}`, content)
      expect(await workflowProblems(doc, action)).toEqual([])
    }
  )

  test.each(workflowFiles)(
    '%s pins every third-party action by commit SHA, with its version',
    file => {
      expect(unpinnedActions(read(path.join(workflowDir, file)))).toEqual([])
    }
  )

  test.each(workflowFiles)('%s sets its permissions explicitly', file => {
    const workflow = parse(read(path.join(workflowDir, file))) as Record<
      string,
      unknown
    >
    expect(workflow.permissions).toBeTypeOf('object')
  })

  test("CI runs README's test command, verbatim", () => {
    const command = 'npm run setup && npm run all'
    expect(readme).toContain('```sh\n' + command + '\n```')
    const ci = parse(read(path.join(workflowDir, 'ci.yml'))) as {
      jobs: Record<string, { steps: { run?: string }[] }>
    }
    const runs = Object.values(ci.jobs).flatMap(job =>
      job.steps.map(step => step.run)
    )
    expect(runs).toContain(command)
  })

  test('E2E runs the action itself against registry:2 with Helm 3 and 4', () => {
    const e2e = parse(read(path.join(workflowDir, 'e2e.yml'))) as {
      jobs: Record<
        string,
        {
          strategy: { matrix: { 'helm-version': string[] } }
          services: { registry: { image: string; ports: string[] } }
          steps: { uses?: string; with?: Record<string, unknown> }[]
        }
      >
    }
    const job = Object.values(e2e.jobs)[0]
    expect(job.strategy.matrix['helm-version']).toEqual(
      expect.arrayContaining([...HELM_VERSIONS])
    )
    expect(job.services.registry).toEqual({
      image: 'registry:2',
      ports: ['5000:5000']
    })
    const own = job.steps.filter(step => step.uses === './')
    expect(own.length).toBeGreaterThan(0)
    for (const step of own) {
      expect(step.with).toMatchObject({
        registry: 'localhost:5000',
        'plain-http': true
      })
    }
  })
})

describe('the workflow examples of README and the docs pages', () => {
  test('are found: whole workflows and lists of steps', () => {
    const whole = readmeExamples.filter(doc => doc.headerLines === 0)
    const stepLists = readmeExamples.filter(doc => doc.headerLines > 0)
    expect(whole.length).toBeGreaterThanOrEqual(4)
    expect(stepLists.length).toBeGreaterThanOrEqual(8)
    expect(readmeExamples.map(doc => doc.file)).toContain('README.md')
  })

  test.each(
    readmeExamples.map(doc => [`${doc.file}:${doc.firstLine}`, doc] as const)
  )(
    "the example at %s passes GitHub's parser, action.yml and mirror/action.yml",
    async (_where, doc) => {
      expect(await workflowProblems(doc, [action, mirror])).toEqual([])
    }
  )
})

describe('the check itself', () => {
  // A workflow with one mistake of each kind, on known lines.
  const broken = [
    'on: push', // 1
    'jobs:', // 2
    '  release:', // 3
    '    runs-on: ubuntu-latest', // 4
    '    steps:', // 5
    '      - id: release', // 6
    '        uses: helm-oci-release/helm-oci-release@v1', // 7
    '        with:', // 8
    '          chrat: charts/hello', // 9
    '          registry: ${{ vars.REGISTRY ) }}', // 10
    '      - run: echo "${{ steps.release.outputs.digets }}"', // 11
    '      - uses: actions/create-github-app-token@v2', // 12
    '        id: app', // 13
    '        with:', // 14
    '          not-checked: yes' // 15
  ].join('\n')

  test('finds a misspelled input, a broken expression and an unknown output', async () => {
    const problems = await workflowProblems(
      workflowFile('broken.yml', broken),
      action
    )
    expect(problems).toEqual([
      expect.stringMatching(/^broken\.yml:10:\d+: Unexpected symbol: '\)'/),
      "broken.yml:9:11: 'chrat' is not an input of this action (did you mean 'chart'?)",
      expect.stringMatching(
        /^broken\.yml:11:\d+: steps\.release\.outputs\.digets: 'digets' is not an output of this action \(did you mean 'digest'\?\)$/
      )
    ])
  })

  test.each([
    ['a misspelled key', '    step:', "typo.yml:5:5: Unexpected value 'step'"],
    [
      'an unknown context',
      '    steps:',
      "typo.yml:6:19: Unrecognized named-value: 'secret'"
    ]
  ])('finds %s', async (_name, stepsLine, expected) => {
    const workflow = [
      'on: push',
      'jobs:',
      '  release:',
      '    runs-on: ubuntu-latest',
      stepsLine,
      '      - run: echo ${{ secret.TOKEN }}'
    ].join('\n')
    expect(
      await workflowProblems(workflowFile('typo.yml', workflow), action)
    ).toEqual([expected])
  })

  test('reports the problems of a README step list on README lines', async () => {
    const markdown = [
      '# Title', // 1
      '', // 2
      '- A recipe:', // 3
      '', // 4
      '  ```yaml', // 5
      '  - uses: ./', // 6
      '    with:', // 7
      '      chart: charts/hello', // 8
      '      tag-patern: v{version}', // 9
      '  ```' // 10
    ].join('\n')
    const [doc] = markdownWorkflows(markdown, 'GUIDE.md')
    expect(await workflowProblems(doc, action)).toEqual([
      "GUIDE.md:9:5: 'tag-patern' is not an input of this action (did you mean 'tag-pattern'?)"
    ])
  })

  test('a clean example has no problems', async () => {
    const spec: ActionSpec = { inputs: ['chart'], outputs: ['digest'] }
    const markdown = [
      '```yaml',
      '- id: release',
      '  uses: ./',
      '  with:',
      '    chart: ${{ matrix.chart }}',
      '- run: echo "${{ steps.release.outputs.digest }}"',
      '```'
    ].join('\n')
    const [doc] = markdownWorkflows(markdown)
    expect(await workflowProblems(doc, spec)).toEqual([])
  })

  test('checks a mirror step against mirror/action.yml, not action.yml', async () => {
    const markdown = [
      '```yaml',
      '- id: mirror',
      '  uses: helm-oci-release/helm-oci-release/mirror@v1',
      '  with:',
      '    charts: oci://ghcr.io/acme/charts/hello 1.0.0',
      '    chart: nope',
      '- run: echo "${{ steps.mirror.outputs.copied }} ${{ steps.mirror.outputs.digest }}"',
      '```'
    ].join('\n')
    const [doc] = markdownWorkflows(markdown, 'MIRROR.md')
    expect(await workflowProblems(doc, [action, mirror])).toEqual([
      "MIRROR.md:6:5: 'chart' is not an input of this action (did you mean 'charts'?)",
      expect.stringMatching(
        /^MIRROR\.md:7:\d+: steps\.mirror\.outputs\.digest: 'digest' is not an output of this action$/
      )
    ])
  })

  test.each([
    ['./mirror', true],
    ['helm-oci-release/helm-oci-release/mirror@v1', true],
    ['./', false],
    ['helm-oci-release/helm-oci-release@v1', false],
    ['someone/helm-oci-release/mirror@v1', false]
  ])('isMirrorAction(%j) is %s', (uses, expected) => {
    expect(isMirrorAction(uses)).toBe(expected)
  })

  test.each([
    ['./', true],
    ['helm-oci-release/helm-oci-release@v1', true],
    [
      'helm-oci-release/helm-oci-release@0123456789abcdef0123456789abcdef01234567',
      true
    ],
    ['./.github/actions/other', false],
    ['helm-oci-release/helm-oci-release', false],
    ['someone/helm-oci-release@v1', false],
    ['actions/checkout@v5', false]
  ])('isThisAction(%j) is %s', (uses, expected) => {
    expect(isThisAction(uses)).toBe(expected)
  })

  test.each([
    ['a whole workflow', '```yaml\non: push\njobs: {}\n```', [0]],
    ['a list of steps', '```yml\n- uses: ./\n- run: echo\n```', [5]],
    ['a Kubernetes resource', '```yaml\nkind: Application\n```', []],
    ['a fragment', '```yaml\nconcurrency:\n  group: x\n```', []],
    ['steps without uses', '```yaml\n- run: echo\n```', []],
    ['a shell block', '```sh\njobs:\n```', []],
    [
      'a step list that does not parse',
      '```yaml\n- uses: ./\n  with: [\n```',
      [5]
    ]
  ])('markdownWorkflows: %s', (_name, markdown, headers) => {
    expect(markdownWorkflows(markdown).map(doc => doc.headerLines)).toEqual(
      headers
    )
  })

  test.each([
    [
      'uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1',
      []
    ],
    [
      '- uses: github/codeql-action/init@181d5eefc20863364f96762470ba6f862bdef56b # v3.29.2',
      []
    ],
    ['- uses: ./', []],
    ['uses: actions/checkout@v4', ['line 1: actions/checkout@v4']],
    [
      'uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5',
      ['line 1: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5']
    ],
    ['uses: docker://alpine:3', ['line 1: docker://alpine:3']]
  ])('unpinnedActions(%j)', (line, expected) => {
    expect(unpinnedActions(line)).toEqual(expected)
  })
})
