import type { Migration } from 'kysely'
import * as m20261124153000 from './2026_11_24_153000_create_users_and_sessions'
import * as m20261124153100 from './2026_11_24_153100_create_chats_and_messages'
import * as m20261124161000 from './2026_11_24_161000_create_search_index'
import * as m20261124162000 from './2026_11_24_162000_create_images'
import * as m20261124170000 from './2026_11_24_170000_create_send_message_procedure'
import * as m20261202031847 from './2026_12_02_031847_store_chat_kind'
import * as m20261202032417 from './2026_12_02_032417_create_login_throttle_scopes'
import * as m20261202033700 from './2026_12_02_033700_add_search_term_stems'
import * as m20261202042613 from './2026_12_02_042613_send_message_params_like_columns'
import * as m20261202043000 from './2026_12_02_043000_commit_ordered_event_ids'
import * as m20261202061000 from './2026_12_02_061000_chat_member_preferences'
import * as m20261202062500 from './2026_12_02_062500_search_index_from_event_log'
import * as m20261202064000 from './2026_12_02_064000_create_pinned_messages'
import * as m20261202065500 from './2026_12_02_065500_conversation_reactions_receipts_presence'
import * as m20261202073000 from './2026_12_02_073000_message_replies'
import * as m20261202101000 from './2026_12_02_101000_mentions_forwards_hidden'
import * as m20261202102000 from './2026_12_02_102000_account_security'
import * as m20261202103000 from './2026_12_02_103000_files_avatars_attachment_links'
import * as m20261202103950 from './2026_12_02_103950_presence_streams'
import * as m20261202103951 from './2026_12_02_103951_system_messages'
import * as m20261202160000 from './2026_12_02_160000_append_events_procedure'
import * as m20261202190000 from './2026_12_02_190000_append_events_guard'
import * as m20261202191000 from './2026_12_02_191000_chat_member_versions'
import * as m20261202192000 from './2026_12_02_192000_closed_personal_chats'
import * as m20261202193000 from './2026_12_02_193000_login_failures_by_time'
import * as m20261203060000 from './2026_12_03_060000_send_messages_batch'

/** Every migration by name, in order; add new files here. Landed migrations are frozen. */
export const migrations: Record<string, Migration> = {
  '2026_11_24_153000_create_users_and_sessions': m20261124153000,
  '2026_11_24_153100_create_chats_and_messages': m20261124153100,
  '2026_11_24_161000_create_search_index': m20261124161000,
  '2026_11_24_162000_create_images': m20261124162000,
  '2026_11_24_170000_create_send_message_procedure': m20261124170000,
  '2026_12_02_031847_store_chat_kind': m20261202031847,
  '2026_12_02_032417_create_login_throttle_scopes': m20261202032417,
  '2026_12_02_033700_add_search_term_stems': m20261202033700,
  '2026_12_02_042613_send_message_params_like_columns': m20261202042613,
  '2026_12_02_043000_commit_ordered_event_ids': m20261202043000,
  '2026_12_02_061000_chat_member_preferences': m20261202061000,
  '2026_12_02_062500_search_index_from_event_log': m20261202062500,
  '2026_12_02_064000_create_pinned_messages': m20261202064000,
  '2026_12_02_065500_conversation_reactions_receipts_presence': m20261202065500,
  '2026_12_02_073000_message_replies': m20261202073000,
  '2026_12_02_101000_mentions_forwards_hidden': m20261202101000,
  '2026_12_02_102000_account_security': m20261202102000,
  '2026_12_02_103000_files_avatars_attachment_links': m20261202103000,
  '2026_12_02_103950_presence_streams': m20261202103950,
  '2026_12_02_103951_system_messages': m20261202103951,
  '2026_12_02_160000_append_events_procedure': m20261202160000,
  '2026_12_02_190000_append_events_guard': m20261202190000,
  '2026_12_02_191000_chat_member_versions': m20261202191000,
  '2026_12_02_192000_closed_personal_chats': m20261202192000,
  '2026_12_02_193000_login_failures_by_time': m20261202193000,
  '2026_12_03_060000_send_messages_batch': m20261203060000,
}
