export {
  ensureTerms,
  indexMessageText,
  reindexMessageText,
  type IndexedMessage,
} from './index-text'
export { searchMessageIds, type SearchHitId, type SearchQuery, type SearchStep } from './search'
export { deletionVariants, fuzzyDistance, maxEdits } from './fuzzy'
