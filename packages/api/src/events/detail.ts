/** A reaction set or taken back, and the count after it. */
export interface ReactionDetail {
  messageId: string
  userId: string
  emoji: string
  active: boolean
  count: number
}

/** Who read a chat further (for `chat.seen`). */
export interface SeenDetail {
  readerId: string
}

/** Which message the user deleted for themselves (for `message.hidden`). */
export interface HiddenDetail {
  hiddenMessageId: string
}

/** What an event needs beyond its message, logged in `chat_events.detail` as JSON. */
export type EventDetail = ReactionDetail | SeenDetail | HiddenDetail

/** The detail as logged; only this process writes the column. */
export const parseDetail = (json: string) => JSON.parse(json) as EventDetail
