import { findPublicUsers } from '@messenger/db'
import type { Message, PublicUser } from '@messenger/shared'
import type { Deps } from '../deps'
import { resolveImages } from '../images/service'
import { toPublicUser } from '../mappers'
import type { StoredMessage } from './store'

/** API messages from stored ones: senders from MySQL and images with fresh signed URLs, batched. */
export const hydrateMessages = async (
  deps: Deps,
  stored: readonly StoredMessage[],
  knownUsers: readonly PublicUser[] = [],
): Promise<Message[]> => {
  if (stored.length === 0) return []
  const byId = new Map(knownUsers.map((u) => [u.id, u]))
  const [users, images] = await Promise.all([
    findPublicUsers(
      deps.db,
      stored.flatMap((m) => (byId.has(m.senderId) ? [] : [m.senderId])),
    ),
    resolveImages(deps, [...new Set(stored.flatMap((m) => m.imageIds))]),
  ])
  for (const u of users) byId.set(u.id, toPublicUser(u))
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
