// A fake clock for one wait of the bundled action, preloaded by a test with
// NODE_OPTIONS=--import=<this file> (see `skipWaitEnv` in skip-wait.ts): a
// timer of exactly SKIP_WAIT_MS milliseconds fires on the next turn of the
// event loop instead, and its length is appended to the file SKIP_WAIT_LOG.
// Every other timer runs as asked. A test sets the double's retry-after to a
// length nothing else in the action uses (e.g. 137 s), so the wait GitHub
// asked for is what gets skipped, and the log proves it was asked for.
import fs from 'node:fs'

const skipMs = Number(process.env.SKIP_WAIT_MS)
const logFile = process.env.SKIP_WAIT_LOG
const realSetTimeout = globalThis.setTimeout

if (skipMs > 0 && logFile) {
  globalThis.setTimeout = function skipOneWait(callback, ms, ...args) {
    if (ms !== skipMs) return realSetTimeout(callback, ms, ...args)
    fs.appendFileSync(logFile, `${ms}\n`)
    return realSetTimeout(callback, 0, ...args)
  }
}
