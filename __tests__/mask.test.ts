import { afterEach, describe, expect, test, vi } from 'vitest'
import { maskSecret } from '../src/mask.js'
import { maskToken } from '../src/github/git-env.js'

/** The `::add-mask::` lines `run` writes to stdout, as the runner reads them. */
function masksOf(run: () => void): string[] {
  const written: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
  run()
  vi.restoreAllMocks()
  return written
    .join('')
    .split(/\r?\n/)
    .filter(line => line.startsWith('::add-mask::'))
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('each value is masked once per run', () => {
  test('the same secret asked for twice: one mask', () => {
    expect(
      masksOf(() => {
        maskSecret('s3cret-one')
        maskSecret('s3cret-one')
      })
    ).toEqual(['::add-mask::s3cret-one'])
  })

  test('a multi-line secret: whole and line by line, a repeated line once', () => {
    expect(
      masksOf(() => maskSecret('line-aaaa\nline-bbbb\nline-aaaa'))
    ).toEqual([
      '::add-mask::line-aaaa%0Aline-bbbb%0Aline-aaaa',
      '::add-mask::line-aaaa',
      '::add-mask::line-bbbb'
    ])
  })

  test('the GitOps token, read as an input and then used by git twice: itself and its basic-auth form, once each', () => {
    const token = 'ghs_token123456'
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
    expect(
      masksOf(() => {
        maskSecret(token)
        maskToken(token)
        maskToken(token)
      })
    ).toEqual([`::add-mask::${token}`, `::add-mask::${basic}`])
  })
})
