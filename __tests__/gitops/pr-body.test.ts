// The pull request body: one budget for the tables, the notes, the preview
// and the changelog, whatever the GitOps repository holds; its text escaped.
import { describe, expect, test } from 'vitest'
import type { RepoBump } from '../../src/gitops/bump-repo.js'
import type { PinChange, PinSkip } from '../../src/gitops/edit.js'
import { BODY_LIMIT, pullRequestBody } from '../../src/gitops/pr-body.js'
import type { Part } from '../../src/fit.js'

const RELEASE = {
  name: 'web',
  version: '2.0.0',
  ref: 'oci://ghcr.io/acme/charts/web',
  tag: '2.0.0',
  digest: 'sha256:' + 'a'.repeat(64)
}

const change = (i: number, file = `apps/team-${i}.yaml`): PinChange => ({
  file,
  line: 9,
  path: 'spec.source.targetRevision',
  kind: 'argocd-application',
  from: '1.0.0',
  to: '2.0.0'
})

function bump(changes: PinChange[], skipped: PinSkip[] = []): RepoBump {
  return {
    files: new Map(changes.map(c => [c.file, ''])),
    changes,
    current: [],
    skipped,
    problems: [],
    notices: [],
    unread: []
  }
}

/** A preview part as the report makes them: a head, then items. */
const place = (name: string, items: number, size: number): Part => ({
  head: `### ${name}\n\n`,
  items: Array.from({ length: items }, () => ({
    text: `${'d'.repeat(size - 1)}\n`,
    unit: 'resource diff'
  }))
})
const changelog = (versions: number): Part => ({
  head: '### Chart changelog 1.0.0 → 2.0.0\n\n',
  items: Array.from({ length: versions * 60 }, (_, i) => ({
    text: `- change ${i}: ${'lorem ipsum '.repeat(16)}\n`,
    unit: 'change'
  }))
})

describe('the body stays within BODY_LIMIT, each cut part saying so', () => {
  test.each([
    [
      '800 pins',
      bump(Array.from({ length: 800 }, (_, i) => change(i))),
      undefined,
      /_\d+ pins left out to keep the pull request within GitHub's 65,536-character limit: the run's log lists every pin/
    ],
    [
      'a 50 KB diff and 8 changelog versions',
      bump([change(0)]),
      [place('web', 1, 50_000), changelog(8)],
      /_\d+ changes left out .*: the job summary of the run shows more of it\._/
    ],
    [
      '20 places of 30 KB each',
      bump([change(0)]),
      Array.from({ length: 20 }, (_, i) => place(`p${i}`, 3, 10_000)),
      /resource diffs? left out/
    ]
  ])('%s', (_, repoBump, preview, cutLine) => {
    const body = pullRequestBody(RELEASE, repoBump, preview)
    expect(body.length).toBeLessThanOrEqual(BODY_LIMIT.budget)
    expect(body).toMatch(cutLine)
    expect(body.startsWith('Moves the Helm chart **web** to **2.0.0**.')).toBe(
      true
    )
    expect(body.endsWith('<sub>Opened by helm-oci-release.</sub>\n')).toBe(true)
  })

  test('what fits is whole: no cut line', () => {
    const body = pullRequestBody(RELEASE, bump([change(0)]), [
      place('web', 2, 100)
    ])
    expect(body).not.toContain('left out')
    expect(body).toContain('## What changes in the cluster\n\n### web')
  })
})

describe('outside text in the tables stays text in its cell', () => {
  const hostile = '<img src=x>`|`\n@org #1'
  const body = pullRequestBody(
    RELEASE,
    bump(
      [change(0, `apps/${hostile}.yaml`)],
      [
        {
          file: 'apps/left.yaml',
          line: 3,
          path: 'spec.source.targetRevision',
          kind: 'argocd-application',
          value: hostile,
          reason: `'${hostile}' is not a version`
        }
      ]
    )
  )
  const rows = body.split('\n').filter(line => line.startsWith('| <code>'))

  test.each([
    ['Changed', 0, 7],
    ['Left alone', 1, 6]
  ])('%s: one row, its cells intact', (_, index, pipes) => {
    expect(rows[index].match(/(?<!\\)\|/g)).toHaveLength(pipes)
    expect(rows[index]).toContain(
      '&#60;img src=x&#62;&#96;&#124;&#96;&#92;n&#64;org #1'
    )
  })

  test('no tag, no mention, no line of its own', () => {
    expect(body).not.toMatch(/<img|@org|\n@|\n#1/)
    expect(rows).toHaveLength(2)
  })
})

describe('scan problems are listed under a heading that says what they are', () => {
  const problems: RepoBump['problems'] = [
    {
      file: 'apps/broken.yaml',
      line: 4,
      message:
        'YAML does not parse (Unexpected end of flow sequence); the file is left unchanged.',
      notRead: true
    },
    {
      file: 'apps/web.yaml',
      line: 7,
      message:
        'spec.source.targetRevision is not set, so there is no version to bump; set it to an exact version to have releases bump it.'
    }
  ]

  test.each([
    [
      'a file that does not parse: not read',
      problems.slice(0, 1),
      '### Not read\n\n- `apps/broken.yaml` line 4: YAML does not parse',
      '### Read, but not moved'
    ],
    [
      'a file read whose pin cannot move: read, but not moved',
      problems.slice(1),
      '### Read, but not moved\n\n- `apps/web.yaml` line 7: spec.source.targetRevision is not set',
      '### Not read'
    ]
  ])('%s', (_name, listed, shown, absent) => {
    const body = pullRequestBody(RELEASE, { ...bump([]), problems: listed })
    expect(body).toContain(shown)
    expect(body).not.toContain(absent)
    expect(body).not.toContain('could not be parsed')
  })

  test('each item is one sentence, no "bump it.; the file" run-on', () => {
    const body = pullRequestBody(RELEASE, { ...bump([]), problems })
    expect(body).toContain('to have releases bump it.\n')
    expect(body).not.toMatch(/\.;/)
  })
})

describe('Kustomize environments', () => {
  test('each environment: a "to" only where it moved, else why not', () => {
    const body = pullRequestBody(RELEASE, {
      ...bump([change(1, 'apps/staging/values.yaml')]),
      environments: [
        {
          environment: 'apps/staging',
          resource: 'HelmRelease web',
          file: 'apps/staging/values.yaml',
          line: 9,
          from: '1.0.0',
          to: '2.0.0'
        },
        {
          environment: 'apps/production',
          resource: 'HelmRelease web',
          file: 'apps/production/values.yaml',
          line: 9,
          from: '1.0.0',
          why: 'apps/production/values.yaml is outside gitops-paths'
        }
      ],
      buildNotes: [
        {
          file: 'apps/x/kustomization.yaml',
          line: 4,
          message: "'https://example.com/base' is a remote base"
        }
      ]
    })
    expect(body).toContain(
      '| apps/staging | HelmRelease web | <code>apps/staging/values.yaml</code> | 9 | <code>1.0.0</code> | <code>2.0.0</code> |  |'
    )
    expect(body).toContain(
      '| apps/production | HelmRelease web | <code>apps/production/values.yaml</code> | 9 | <code>1.0.0</code> |  | apps/production/values.yaml is outside gitops-paths |'
    )
    expect(body).toContain('### Kustomize: not followed')
    expect(body).toContain('`apps/x/kustomization.yaml` line 4:')
  })
})
