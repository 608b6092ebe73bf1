/** What the capacity benchmark and its load generators say to each other over IPC. */
export interface LoadUser {
  id: string
  token: string
  /** The personal chat first, then the two groups. */
  chats: string[]
}
export type Command =
  | { type: 'open'; url: string; users: LoadUser[]; addresses: string[] }
  | { type: 'act'; intervalMs: number; durationMs: number; timeoutMs: number; words: string[] }
  /** Closes every stream and forgets its users. */
  | { type: 'close' }
  /** Fresh access tokens (they last 15 minutes; a sweep lasts longer). */
  | { type: 'tokens'; tokens: [string, string][] }
  | { type: 'exit' }
export type Kind = 'send' | 'history' | 'chats' | 'markRead' | 'search'
export interface ActReport {
  type: 'acted'
  /** One entry per call: kind index, HTTP status (0 = timed out, -1 = connection failed), ms. */
  kinds: number[]
  statuses: number[]
  ms: number[]
  /** Messages this generator's users sent successfully: [id, chatId]. */
  sent: [string, string][]
  /** message.created receipts per message id, over this generator's streams. */
  receipts: [string, number][]
  reconnects: number
  /** This generator's event-loop delay over the step, ms: a starved client reads answers late. */
  loopDelay: { p99: number; max: number }
}
export const KINDS: Kind[] = ['send', 'history', 'chats', 'markRead', 'search']
/** The user model: 50% send, 25% history page, 10% chat list, 10% mark read, 5% search. */
export const WEIGHTS = [0.5, 0.25, 0.1, 0.1, 0.05]
