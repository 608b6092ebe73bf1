/** A reason not to start that one sentence explains; the server prints it without a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError'
}
