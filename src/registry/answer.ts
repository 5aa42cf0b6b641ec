// One HTTP answer of the registry, its body bounded: the shape every reader
// of the transport takes.
import type http from 'node:http'

/** One HTTP answer from the registry (or its token service), with its bounded body. */
export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  /** The body was longer than the limit (and is cut). */
  tooLarge: boolean
  url: URL
  /** Tries it took (retries included). */
  attempts: number
}
