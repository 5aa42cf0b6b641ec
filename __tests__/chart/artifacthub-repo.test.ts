// An artifacthub-repo.yml checked as Artifact Hub reads it, before a push.
import { describe, expect, test } from 'vitest'
import { parseArtifactHubRepo } from '../../src/chart/artifacthub-repo.js'
import { UserError } from '../../src/errors.js'

const FILE = 'charts/hello/artifacthub-repo.yml'
const ID = 'b8a9a5f6-1c2d-4e3f-8a9b-0c1d2e3f4a5b'

describe('accepted', () => {
  test.each<[string, string, object]>([
    [
      "the documented example's shape",
      [
        `repositoryID: ${ID}`,
        'owners:',
        '  - name: user1',
        '    email: user1@email.com',
        'ignore:',
        '  - name: package1',
        '  - name: package2',
        '    version: beta',
        ''
      ].join('\n'),
      { repositoryID: ID, owners: 1, unknownKeys: [] }
    ],
    [
      'owners alone (an ownership claim)',
      'owners:\n  - email: me@example.com\n',
      { owners: 1, unknownKeys: [] }
    ],
    [
      'an empty repositoryID (Artifact Hub skips the check)',
      'repositoryID: ""\nowners: []\n',
      { owners: 0, unknownKeys: [] }
    ],
    [
      'a repositoryID in capitals, braced or as a URN',
      `repositoryID: "{${ID.toUpperCase()}}"\n`,
      { repositoryID: `{${ID.toUpperCase()}}`, owners: 0, unknownKeys: [] }
    ],
    [
      'a key Artifact Hub does not read (warned about)',
      `repositoryID: ${ID}\nowner: me\n`,
      { repositoryID: ID, owners: 0, unknownKeys: ['owner'] }
    ]
  ])('%s', (_name, text, expected) => {
    expect(parseArtifactHubRepo(text, FILE)).toEqual(expected)
  })
})

describe('refused, naming the file, the line and the fix', () => {
  test.each<[string, string, RegExp, number]>([
    ['not YAML', 'owners: [\n', /is not valid YAML \(line \d\)/, 2],
    ['empty', '', /it must be a mapping/, 1],
    ['a list', '- a\n', /it must be a mapping/, 1],
    [
      'nothing Artifact Hub reads',
      'owner: me\n',
      /has none of repositoryID/,
      1
    ],
    [
      'a repositoryID that is not a UUID',
      'owners: []\nrepositoryID: my-repo\n',
      /repositoryID "my-repo" is not a UUID: copy the ID from the repository's card/,
      2
    ],
    ['a number as repositoryID', 'repositoryID: 12\n', /must be a string/, 1],
    ['owners not a list', 'owners: me\n', /owners must be a list/, 1],
    [
      'an owner without email',
      'owners:\n  - name: me\n',
      /owners\[0\] has no email/,
      2
    ],
    [
      'an owner that is a string',
      'owners:\n  - me@example.com\n',
      /owners\[0\] must be a mapping/,
      2
    ],
    [
      'an email that is a list',
      'owners:\n  - email: [a]\n',
      /owners\[0\]\.email must be a string/,
      2
    ],
    [
      'an ignore entry without name',
      'ignore:\n  - version: x\n',
      /ignore\[0\] has no name/,
      2
    ]
  ])('%s', (_name, text, message, line) => {
    let error: unknown
    try {
      parseArtifactHubRepo(text, FILE)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as UserError).message).toMatch(message)
    expect((error as UserError).message).toMatch(
      new RegExp(`^${FILE.replace(/\./g, '\\.')} `)
    )
    expect(error).toMatchObject({ file: FILE, line })
  })
})
