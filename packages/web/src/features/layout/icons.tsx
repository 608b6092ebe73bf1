/** Small inline icons; the buttons that hold them carry the accessible label. */
const Icon = ({ d }: { d: string }) => (
  <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
    <path d={d} fill="currentColor" />
  </svg>
)

export const PlusIcon = () => <Icon d="M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z" />
export const SearchIcon = () => (
  <Icon d="M10 4a6 6 0 1 0 3.7 10.7l4.8 4.8 1.4-1.4-4.8-4.8A6 6 0 0 0 10 4zm0 2a4 4 0 1 1 0 8 4 4 0 0 1 0-8z" />
)
export const GearIcon = () => (
  <Icon d="M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm8.5 5.5-.1-3 2-1.6-2-3.4-2.4 1a7 7 0 0 0-2.6-1.5L15 2h-4l-.4 2.5A7 7 0 0 0 8 6L5.6 5 3.6 8.4l2 1.6a7 7 0 0 0 0 3l-2 1.6 2 3.4 2.4-1a7 7 0 0 0 2.6 1.5L11 22h4l.4-2.5a7 7 0 0 0 2.6-1.5l2.4 1 2-3.4z" />
)
export const BackIcon = () => <Icon d="M15.4 5.4 14 4l-8 8 8 8 1.4-1.4L8.8 12z" />
export const SendIcon = () => <Icon d="M3 20.5 21 12 3 3.5V10l12 2-12 2z" />
export const ClipIcon = () => (
  <Icon d="M16.5 6v11.5a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6H9v9.5a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v12.5a6 6 0 0 0 12 0V6z" />
)
export const CloseIcon = () => (
  <Icon d="M18.3 5.7 16.9 4.3 12 9.2 7.1 4.3 5.7 5.7 10.6 12l-4.9 4.9 1.4 1.4 4.9-4.9 4.9 4.9 1.4-1.4-4.9-4.9z" />
)
export const InfoIcon = () => (
  <Icon d="M11 7h2v2h-2zm0 4h2v6h-2zm1-9a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16z" />
)
export const MoreIcon = () => (
  <Icon d="M12 8a2 2 0 1 0 0-4 2 2 0 0 0 0 4zm0 2a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z" />
)
export const PinIcon = () => <Icon d="M16 3H8v2h1v6l-2 3v2h4v5h2v-5h4v-2l-2-3V5h1z" />
export const MutedIcon = () => (
  <Icon d="M4.3 3 3 4.3 7.7 9H4v6h4l5 5v-6.7l4.2 4.2c-.6.5-1.3.8-2.2 1v2a8 8 0 0 0 3.6-1.6l2.1 2.1 1.3-1.3zM12 4 9.9 6.1 12 8.2z" />
)
export const FileIcon = () => <Icon d="M6 2h8l6 6v14H6zm7 1.5V9h5.5zM8 12v2h8v-2zm0 4v2h8v-2z" />
