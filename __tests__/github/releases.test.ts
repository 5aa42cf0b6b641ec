// What a failed call to GitHub's releases API says: each 422 with the fix for
// the request it answered (a draft release for a create, the notes' length
// for an update, an asset already there for an upload).
import { expect, test } from 'vitest'
import { INVALID, releaseError } from '../../src/github/releases.js'

/** An error as Octokit throws it for GitHub's answer. */
function answered(status: number, data: object): Error {
  return Object.assign(new Error(`HTTP ${status}`), {
    status,
    response: { status, data }
  })
}

const failed = (resource: string, code: string, field: string) =>
  answered(422, {
    message: 'Validation Failed',
    errors: [{ resource, code, field }]
  })

test.each([
  [
    'creating the release of tag v1.0.0',
    failed('Release', 'already_exists', 'tag_name'),
    INVALID.create,
    /draft/
  ],
  [
    'updating release 7',
    failed('Release', 'custom', 'body'),
    INVALID.update,
    /125,000 characters/
  ],
  [
    'uploading web-1.0.0.tgz to release 7',
    failed('ReleaseAsset', 'already_exists', 'name'),
    INVALID.upload('web-1.0.0.tgz'),
    /asset named web-1\.0\.0\.tgz/
  ]
])('a 422 %s gets its own hint', (action, error, hint, says) => {
  const message = releaseError(error, action, 'o/r', hint).message
  expect(message).toContain(`GitHub refused ${action} in o/r (422: `)
  expect(message).toMatch(says)
  const others = Object.values(INVALID)
    .map(h => (typeof h === 'string' ? h : h('web-1.0.0.tgz')))
    .filter(h => h !== hint)
  for (const other of others) expect(message).not.toContain(other)
})

test('a 422 without a hint of its own quotes GitHub, and nothing else', () => {
  const message = releaseError(
    failed('Release', 'invalid', 'tag'),
    'reading the release of tag v1',
    'o/r'
  ).message
  expect(message).toBe(
    'GitHub refused reading the release of tag v1 in o/r (422: Validation Failed; Release invalid tag).'
  )
})
