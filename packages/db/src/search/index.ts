export {
  clearPostings,
  countPostedMessages,
  deleteChatPostings,
  ensureTerms,
  indexMessages,
  indexMessageText,
  isDeadlock,
  reindexMessageText,
  retryOnDeadlock,
  type IndexedMessage,
} from './index-text'
export { searchMessageIds, type SearchHitId, type SearchQuery, type SearchStep } from './search'
export {
  expandQuery,
  MATCH_COST,
  MIN_PREFIX_LENGTH,
  queryTerms,
  type ExpandedQuery,
  type MatchKind,
  type WordMatch,
} from './expand'
export { deletionVariants, fuzzyDistance, maxEdits, maxPrefixEdits, prefixDistance } from './fuzzy'
export { switchLayout } from '@messenger/shared'
export { stemOf } from './stem'
