// One HTTP request over node:http(s) as connect.ts set it up: the body sent
// whole (its length declared), the answer's head handed back. What
// @actions/http-client's `requestRaw` did, without loading the client (and
// the undici it brings) on every release.
import type http from 'node:http'
import type https from 'node:https'

/** How connect.ts says a request reaches its server. */
export interface RequestInfo {
  options: https.RequestOptions
  parsedUrl: URL
  httpModule: typeof http | typeof https
}

/**
 * Sends one request and resolves with the answer's head (the body is the
 * caller's to read). `socketTimeoutMs` is a backstop for a connection that
 * goes silent; the caller's abort signal is the real limit.
 */
export function sendRequest(
  info: RequestInfo,
  body: string | Buffer | undefined,
  socketTimeoutMs: number
): Promise<http.IncomingMessage> {
  const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  const headers: http.OutgoingHttpHeaders = {
    ...(info.options.headers as http.OutgoingHttpHeaders | undefined)
  }
  if (data) headers['content-length'] = data.length
  return new Promise((resolve, reject) => {
    const request = info.httpModule.request(
      { ...info.options, headers },
      resolve
    )
    request.setTimeout(socketTimeoutMs, () =>
      request.destroy(new Error(`Request timeout: ${info.options.path ?? ''}`))
    )
    request.on('error', reject)
    request.end(data)
  })
}

/**
 * The User-Agent: the action's name, and the runner's orchestration id as
 * @actions/http-client adds it (GitHub correlates requests with it).
 */
export function userAgent(name: string, env = process.env): string {
  const id = env['ACTIONS_ORCHESTRATION_ID']
  if (!id) return name
  return `${name} actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, '_')}`
}
