/** Query keys in one place, so live events update exactly what the screens read. */
export const keys = {
  head: ['head'] as const,
  chats: ['chats'] as const,
  chat: (chatId: string) => ['chat', chatId] as const,
  messages: (chatId: string) => ['messages', chatId] as const,
  pinned: (chatId: string) => ['pinned', chatId] as const,
  sessions: ['sessions'] as const,
  search: (query: string, chatId: string | null) => ['search', chatId, query] as const,
  users: (query: string) => ['users', query] as const,
  /** Everything under it is refetched when the live stream (re)connects. */
  presenceAll: ['presence'] as const,
  presence: (userIds: readonly string[]) => ['presence', userIds.join(',')] as const,
  privacy: ['privacy'] as const,
}
