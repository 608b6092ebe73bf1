import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

/** DATETIME(3) columns: written as Date, read as Date (the pool runs in UTC). */
type Timestamp = ColumnType<Date, Date | undefined, Date>

export interface UsersTable {
  id: string
  login: string
  email: string
  first_name: string
  last_name: string
  password_hash: string
  password_salt: string
  created_at: Timestamp
  /** When the person's last event stream closed; null before presence was kept. */
  last_seen_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** 1 when they hide their online status and last seen from everyone. */
  presence_hidden: ColumnType<number, number | undefined, number>
  /** When the account was deleted: the row stays for its messages, erased (docs/accounts.md). */
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** The profile photo's files under DATA_DIR/avatars/<id>; null: initials. */
  avatar_id: ColumnType<string | null, string | null | undefined, string | null>
}

/** A TOTP secret (encrypted by the server); pending until `enabled_at`. */
export interface UserTotpTable {
  user_id: string
  secret_enc: string
  enabled_at: Date | null
  /** The last time step a code was accepted for: no code is taken twice. */
  last_step: ColumnType<number, number | undefined, number>
  created_at: Timestamp
}

/** Single-use recovery codes, as keyed hashes. */
export interface UserRecoveryCodesTable {
  user_id: string
  code_hash: string
  used_at: Date | null
}

export interface SessionsTable {
  id: string
  user_id: string
  user_agent: string | null
  ip: string | null
  created_at: Timestamp
  last_used_at: Timestamp
  revoked_at: Date | null
}

export interface RefreshTokensTable {
  token_hash: string
  session_id: string
  created_at: Timestamp
  expires_at: Date
  used_at: Date | null
}

export interface LoginFailuresTable {
  id: Generated<number>
  scope: string
  created_at: Timestamp
}

/** A lock per throttle scope: see reserveLoginAttempt. */
export interface LoginThrottleScopesTable {
  scope: string
}

export interface ChatsTable {
  id: string
  /** 1 for a personal chat (createDirect), 0 for a group; fixed when the chat is made. */
  is_direct: ColumnType<number, number | undefined, number>
  title: string | null
  owner_id: string | null
  /** `lowId:highId` of a personal chat's pair; unique, null for groups. */
  direct_key: string | null
  member_count: number
  last_message_id: string | null
  created_at: Timestamp
  updated_at: Timestamp
  /** The group photo's files under DATA_DIR/avatars/<id>; null: initials. */
  avatar_id: ColumnType<string | null, string | null | undefined, string | null>
  /** Set when a personal chat's other person deleted their account: no new messages. */
  closed_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export interface ChatMembersTable {
  chat_id: string
  user_id: string
  joined_at: Timestamp
  last_read_message_id: string | null
  /** 1 when the member left a personal chat: it is out of their list until a new message. */
  hidden: ColumnType<number, number | undefined, number>
  /** The chat's last message when it was hidden; a different one brings it back. */
  hidden_last_message_id: ColumnType<string | null, string | null | undefined, string | null>
  /** The member's own view: 1 when muted, 1 when archived, when pinned (null: not pinned). */
  muted: ColumnType<number, number | undefined, number>
  archived: ColumnType<number, number | undefined, number>
  pinned_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export interface PinnedMessagesTable {
  chat_id: string
  message_id: string
  pinned_by: string
  pinned_at: Date
}

export interface MessagesTable {
  id: string
  chat_id: string
  sender_id: string
  client_id: string
  text: string | null
  image_ids: string | null
  /** Comma-separated ids of attached files (beside image_ids). */
  file_ids: ColumnType<string | null, string | null | undefined, string | null>
  created_at: Timestamp
  edited_at: Date | null
  deleted: ColumnType<number, number | undefined, number>
  /** The message of the same chat this one answers. */
  reply_to_id: ColumnType<string | null, string | null | undefined, string | null>
  /** A forward: the original message (the first one, through forwards of forwards) and its sender. */
  forwarded_from_id: ColumnType<string | null, string | null | undefined, string | null>
  forwarded_sender_id: ColumnType<string | null, string | null | undefined, string | null>
  /** JSON of what a system message tells ("created", "added" …); null for people's messages. */
  system_event: ColumnType<string | null, string | null | undefined, string | null>
}

/** A member a message mentions with `@login` (stored by send_message; never its sender). */
export interface MessageMentionsTable {
  user_id: string
  chat_id: string
  message_id: string
}

/** A message one person deleted for themselves only. */
export interface HiddenMessagesTable {
  user_id: string
  chat_id: string
  message_id: string
  hidden_at: Timestamp
}

export interface ChatEventsTable {
  /** From event_seq, in commit order (see appendEvents). */
  id: number
  chat_id: string
  /** Set for an event meant for one user only (a member removed from the chat). */
  user_id: string | null
  type: string
  message_id: string | null
  /** JSON of what the event needs beyond its message (see EventDetail in the API). */
  detail: ColumnType<string | null, string | null | undefined, string | null>
  created_at: Timestamp
}

/** One person's reaction to a message with one emoji. */
export interface MessageReactionsTable {
  message_id: string
  emoji: string
  user_id: string
  chat_id: string
  created_at: Timestamp
}

/** How many people reacted to a message with an emoji, kept with every change. */
export interface MessageReactionCountsTable {
  message_id: string
  emoji: string
  count: number
  first_at: Timestamp
}

/** A server instance that tracks presence, with its heartbeat. */
export interface PresenceInstancesTable {
  id: string
  seen_at: Date
}

/** A person with at least one event stream open on an instance. */
export interface PresenceStreamsTable {
  user_id: string
  instance_id: string
  since: Date
}

/** One row (id 1): the last event id handed out. */
/** Moved by triggers on every change of a chat's members (migration 2026_12_02_191000). */
export interface ChatMemberVersionsTable {
  chat_id: string
  version: number
}

export interface EventSeqTable {
  id: number
  n: number
}

/** The search vocabulary: normalized terms (see normalizeWord in @messenger/shared). */
export interface SearchTermsTable {
  id: Generated<number>
  term: string
  /** The term's stem (see search/stem.ts); null only for terms added before stems existed. */
  stem: string | null
}

/** SymSpell deletion variants of each term, for fuzzy expansion of query words. */
export interface SearchTermVariantsTable {
  variant: string
  term_id: number
}

/** Term → message postings; ids are UUIDs packed into 16 bytes. */
export interface SearchPostingsTable {
  term_id: number
  chat_id: Buffer
  message_id: Buffer
}

/** Per search index, the last event of the log it has applied (see the search indexer). */
export interface SearchIndexCursorsTable {
  name: string
  event_id: number
  updated_at: Timestamp
}

export interface ImagesTable {
  id: string
  owner_id: string
  input_format: string
  /** Of the upload, after EXIF orientation. */
  width: number
  height: number
  full_width: number
  full_height: number
  /** JSON `[{ size, width, height }]`, ascending by size. */
  thumbnails: string
  /** A data URL of at most 1 KB. */
  placeholder: string | null
  stored_bytes: number
  created_at: Timestamp
}

/** An uploaded file of any type; its bytes live at DATA_DIR/files/<last 2 of id>/<id>. */
export interface FilesTable {
  id: string
  owner_id: string
  /** The name it was uploaded with, made safe (no path, no control characters). */
  name: string
  content_type: string
  size: number
  created_at: Timestamp
}

/** Which live message holds which image or file (see migration 2026_12_02_103000). */
export interface MessageAttachmentsTable {
  attachment_id: string
  message_id: string
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  refresh_tokens: RefreshTokensTable
  login_failures: LoginFailuresTable
  login_throttle_scopes: LoginThrottleScopesTable
  chats: ChatsTable
  chat_members: ChatMembersTable
  messages: MessagesTable
  pinned_messages: PinnedMessagesTable
  chat_events: ChatEventsTable
  message_reactions: MessageReactionsTable
  message_mentions: MessageMentionsTable
  hidden_messages: HiddenMessagesTable
  message_reaction_counts: MessageReactionCountsTable
  event_seq: EventSeqTable
  chat_member_versions: ChatMemberVersionsTable
  presence_instances: PresenceInstancesTable
  presence_streams: PresenceStreamsTable
  search_terms: SearchTermsTable
  search_term_variants: SearchTermVariantsTable
  search_postings: SearchPostingsTable
  search_index_cursors: SearchIndexCursorsTable
  images: ImagesTable
  user_totp: UserTotpTable
  user_recovery_codes: UserRecoveryCodesTable
  files: FilesTable
  message_attachments: MessageAttachmentsTable
}

export type UserRow = Selectable<UsersTable>
export type SessionRow = Selectable<SessionsTable>
export type ChatRow = Selectable<ChatsTable>
export type MessageRow = Selectable<MessagesTable>
export type NewMessageRow = Insertable<MessagesTable>
export type ChatEventRow = Selectable<ChatEventsTable>
export type ImageRow = Selectable<ImagesTable>
export type NewImageRow = Insertable<ImagesTable>
export type FileRow = Selectable<FilesTable>
export type NewFileRow = Insertable<FilesTable>
