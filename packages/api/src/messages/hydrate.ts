import { findPublicUsers } from '@messenger/db'
import type { Message } from '@messenger/shared'
import type { Deps } from '../deps'
import { resolveImages } from '../images/service'
import { toPublicUser } from '../mappers'
import type { StoredMessage } from './store'

/** API messages from stored ones: senders from MySQL and images with fresh signed URLs, batched. */
export const hydrateMessages = async (
  deps: Deps,
  stored: readonly StoredMessage[],
): Promise<Message[]> => {
  if (stored.length === 0) return []
  const [users, images] = await Promise.all([
    findPublicUsers(
      deps.db,
      stored.map((m) => m.senderId),
    ),
    resolveImages(deps, [...new Set(stored.flatMap((m) => m.imageIds))]),
  ])
  const byId = new Map(users.map((u) => [u.id, toPublicUser(u)]))
  return stored.map((m) => ({
    id: m.id,
    chatId: m.chatId,
    clientId: m.clientId,
    sender: byId.get(m.senderId) ?? {
      id: m.senderId,
      login: 'deleted',
      firstName: 'Deleted',
      lastName: 'user',
    },
    text: m.deleted ? null : m.text,
    images: m.deleted ? [] : m.imageIds.flatMap((id) => images.get(id) ?? []),
    createdAt: m.createdAt.toISOString(),
    editedAt: m.editedAt?.toISOString() ?? null,
    deleted: m.deleted,
  }))
}
