import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  hasControlCharacters,
  mayHoldCommand,
  relay,
  showable,
  withCommandsStopped
} from '../src/relay.js'

/** What the action wrote to stdout while `work` ran. */
async function printed(work: () => unknown): Promise<string[]> {
  const chunks: string[] = []
  const spy = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(chunk.toString())
      return true
    })
  try {
    await work()
  } finally {
    spy.mockRestore()
  }
  return chunks.join('').split('\n').slice(0, -1)
}

afterEach(() => vi.restoreAllMocks())

describe('relay', () => {
  test('plain text is printed as it is', async () => {
    expect(
      await printed(() => relay('Pushed: x:1.0.0\nDigest: sha256:ab'))
    ).toEqual(['Pushed: x:1.0.0', 'Digest: sha256:ab'])
  })

  test.each([
    ['a line that starts a command', 'ok\n::error::pwned'],
    ['after leading spaces', 'ok\n   ::warning::pwned'],
    ['after a carriage return', 'ok\r::add-mask::x'],
    ['on the first line', '::endgroup::']
  ])('%s is fenced by a fresh stop-commands token', async (_, text) => {
    const lines = await printed(() => relay(text))
    const token = /^::stop-commands::([0-9a-f-]{36})$/.exec(lines[0])?.[1]
    expect(token).toBeDefined()
    expect(lines.at(-1)).toBe(`::${token}::`)
    expect(lines.slice(1, -1).join('\n')).toBe(text)
  })

  test('each relay gets its own token', async () => {
    const a = await printed(() => relay('::x::'))
    const b = await printed(() => relay('::x::'))
    expect(a[0]).not.toBe(b[0])
  })
})

test('withCommandsStopped fences what the work prints, even when it throws', async () => {
  const lines = await printed(() =>
    withCommandsStopped(async () => {
      process.stdout.write('::error::from a child\n')
      throw new Error('failed')
    }).catch(() => undefined)
  )
  const token = /^::stop-commands::(.+)$/.exec(lines[0])?.[1]
  expect(lines).toEqual([
    `::stop-commands::${token}`,
    '::error::from a child',
    `::${token}::`
  ])
})

describe('names', () => {
  test.each([
    ['apps/web.yaml', 'apps/web.yaml', false],
    ['apps/we\nb.yaml', '"apps/we\\nb.yaml"', true],
    ['a\tb', '"a\\tb"', true],
    ['café.yaml', 'café.yaml', false],
    ['x\u2028y', '"x\u2028y"', true]
  ])('%j is shown as %s', (name, shown, control) => {
    expect(showable(name)).toBe(shown)
    expect(hasControlCharacters(name)).toBe(control)
  })

  test.each([
    ['a::b', false],
    ['::x', true],
    ['a\n ::x', true],
    ['a\n x ::y', false]
  ])('mayHoldCommand(%j) = %s', (text, may) => {
    expect(mayHoldCommand(text)).toBe(may)
  })
})
