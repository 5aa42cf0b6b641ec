// The one retry loop: its counting, its waits and what it throws.
import { describe, expect, test, vi } from 'vitest'
import {
  retryDelayMs,
  withRetry,
  type RetryEvent,
  type RetryPolicy
} from '../src/retry.js'

const QUICK: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }

describe('retry timing (pure parts)', () => {
  test.each([
    [1, 0, 50],
    [1, 1, 100],
    [3, 1, 400],
    [10, 1, 1000],
    [10, 0, 500]
  ])('attempt %i with random %d waits %i ms', (attempt, random, expected) => {
    const retry = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 }
    expect(retryDelayMs(attempt, retry, undefined, () => random)).toBe(expected)
  })

  test('Retry-After is honoured up to maxDelayMs', () => {
    const retry = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 }
    expect(retryDelayMs(1, retry, 700)).toBe(700)
    expect(retryDelayMs(1, retry, 60_000)).toBe(1000)
  })

  test('linear backoff: base x retry number, no jitter, capped', () => {
    const retry: RetryPolicy = {
      attempts: 3,
      baseDelayMs: 2000,
      maxDelayMs: 5000,
      backoff: 'linear'
    }
    expect(retryDelayMs(1, retry, undefined, () => 0)).toBe(2000)
    expect(retryDelayMs(2, retry, undefined, () => 0)).toBe(4000)
    expect(retryDelayMs(3, retry, undefined, () => 0)).toBe(5000)
  })
})

describe('withRetry', () => {
  test('retries transient failures until the operation succeeds', async () => {
    const events: RetryEvent[] = []
    const operation = vi.fn(async (attempt: number) => {
      if (attempt < 3) throw new Error(`try ${attempt}`)
      return 'done'
    })
    const result = await withRetry(
      QUICK,
      () => true,
      operation,
      event => {
        events.push(event)
      }
    )
    expect(result).toBe('done')
    expect(operation).toHaveBeenCalledTimes(3)
    expect(events.map(event => [event.attempt, event.attempts])).toEqual([
      [1, 3],
      [2, 3]
    ])
    expect(events.every(event => event.delayMs <= QUICK.maxDelayMs)).toBe(true)
  })

  test('throws the last failure unchanged when the tries run out', async () => {
    const last = new Error('try 3')
    const operation = vi.fn(async (attempt: number) => {
      throw attempt === 3 ? last : new Error(`try ${attempt}`)
    })
    await expect(withRetry(QUICK, () => true, operation)).rejects.toBe(last)
    expect(operation).toHaveBeenCalledTimes(3)
  })

  test('a failure that is not transient is thrown at once', async () => {
    const permanent = new Error('permanent')
    const onRetry = vi.fn()
    const operation = vi.fn(async () => {
      throw permanent
    })
    await expect(
      withRetry(QUICK, () => false, operation, onRetry)
    ).rejects.toBe(permanent)
    expect(operation).toHaveBeenCalledTimes(1)
    expect(onRetry).not.toHaveBeenCalled()
  })

  test('a requested wait (Retry-After) replaces the backoff, capped', async () => {
    const delays: number[] = []
    const policy: RetryPolicy = { attempts: 2, baseDelayMs: 1, maxDelayMs: 30 }
    await withRetry(
      policy,
      () => ({ afterMs: 1_000 }),
      async attempt => {
        if (attempt === 1) throw new Error('busy')
      },
      event => {
        delays.push(event.delayMs)
      }
    )
    expect(delays).toEqual([30])
  })

  test('attempts below 1 still try once', async () => {
    const operation = vi.fn(async () => {
      throw new Error('down')
    })
    await expect(
      withRetry({ ...QUICK, attempts: 0 }, () => true, operation)
    ).rejects.toThrow('down')
    expect(operation).toHaveBeenCalledTimes(1)
  })
})
