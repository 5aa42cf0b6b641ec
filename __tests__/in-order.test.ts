// Side by side, shown in order: the schedule of the mirror's copies and the
// preview's renders. Each item's work is a
// promise the test settles by hand, so what runs at once and when each item
// is shown are checked by the sequence of events, never by a clock.
import { expect, test } from 'vitest'
import { inOrder } from '../src/in-order.js'

/** A schedule whose items wait until the test settles (or fails) them. */
function scheduled(items: string[], limit: number) {
  const events: string[] = []
  const gates = new Map<string, (error?: Error) => void>()
  const settled = new Set<string>()
  let running = 0
  let most = 0
  const run = inOrder(
    items,
    limit,
    (item, log) =>
      new Promise<string>((resolve, reject) => {
        events.push(`start ${item}`)
        most = Math.max(most, ++running)
        log.push(`${item} says`)
        gates.set(item, error => {
          running--
          if (error) reject(error)
          else resolve(item.toUpperCase())
        })
      }),
    (item, log, outcome) =>
      events.push(
        `show ${item} [${log.join(', ')}] ${outcome.ok ? outcome.value : 'failed'}`
      )
  )
  // Lets a settled item's callbacks run (its worker shows, then starts the next).
  const turn = () => new Promise(resolve => setImmediate(resolve))
  return {
    run,
    events,
    most: () => most,
    /** Started and not yet settled, in the order they started. */
    running: () => [...gates.keys()].filter(item => !settled.has(item)),
    turn,
    async settle(item: string, error?: Error) {
      settled.add(item)
      gates.get(item)!(error)
      await turn()
    }
  }
}

test('an item is shown once it and every item before it are done; a freed slot starts the next', async () => {
  const s = scheduled(['a', 'b', 'c'], 2)
  await s.turn()
  expect(s.events).toEqual(['start a', 'start b'])
  await s.settle('b')
  expect(s.events).toEqual(['start a', 'start b', 'start c'])
  await s.settle('a')
  await s.settle('c')
  expect(await s.run).toEqual(['A', 'B', 'C'])
  expect(s.events).toEqual([
    'start a',
    'start b',
    'start c',
    'show a [a says] A',
    'show b [b says] B',
    'show c [c says] C'
  ])
})

test.each([1, 2, 4, 8])(
  'never more than %i at once, however the items finish',
  async limit => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f']
    const s = scheduled(items, limit)
    await s.turn()
    // The newest running item finishes first: done out of order.
    for (let left = items.length; left > 0; left--)
      await s.settle(s.running().at(-1)!)
    expect(await s.run).toEqual(['A', 'B', 'C', 'D', 'E', 'F'])
    expect(s.most()).toBe(Math.min(limit, items.length))
    expect(s.events.filter(e => e.startsWith('show'))).toEqual(
      items.map(item => `show ${item} [${item} says] ${item.toUpperCase()}`)
    )
  }
)

test('after a failure no item starts; those running finish and are shown; the failure is thrown', async () => {
  const s = scheduled(['a', 'b', 'c', 'd'], 2)
  const result = s.run.then(
    () => 'resolved',
    (error: Error) => error.message
  )
  await s.turn()
  await s.settle('a', new Error('a broke'))
  expect(s.events).toEqual(['start a', 'start b', 'show a [a says] failed'])
  await s.settle('b')
  expect(await result).toBe('a broke')
  expect(s.events).toEqual([
    'start a',
    'start b',
    'show a [a says] failed',
    'show b [b says] B'
  ])
})

test('of two failures, the earlier item’s is thrown, whichever came first', async () => {
  const s = scheduled(['a', 'b'], 2)
  const result = s.run.catch((error: Error) => error.message)
  await s.turn()
  await s.settle('b', new Error('b broke'))
  await s.settle('a', new Error('a broke'))
  expect(await result).toBe('a broke')
  expect(s.events.filter(e => e.startsWith('show'))).toEqual([
    'show a [a says] failed',
    'show b [b says] failed'
  ])
})

test('no items: nothing runs or is shown', async () => {
  const s = scheduled([], 4)
  expect(await s.run).toEqual([])
  expect(s.events).toEqual([])
})

test.each([0, -1, Number.NaN])('a limit of %s is refused', async limit => {
  await expect(
    inOrder(
      ['a'],
      limit,
      async () => 1,
      () => {}
    )
  ).rejects.toThrow(RangeError)
})
