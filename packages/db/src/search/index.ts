export { indexMessageText, reindexMessageText, type IndexedMessage } from './index-text'
export { searchMessageIds, type SearchHitId, type SearchQuery } from './search'
export { fuzzyDistance, maxEdits } from './fuzzy'
