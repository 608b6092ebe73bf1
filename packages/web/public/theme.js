// The remembered theme (System, Light or Dark), applied before the first paint so a dark page never
// flashes light. A file, not an inline script: the CSP allows scripts from 'self' only.
// src/features/settings/theme.ts keeps it current afterwards and must agree with this.
;(function () {
  var choice = null
  try {
    choice = localStorage.getItem('messenger.theme')
  } catch {
    // Storage blocked: follow the system.
  }
  var dark =
    choice === 'dark' ||
    (choice !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches)
  document.documentElement.dataset.theme = dark ? 'dark' : 'light'
})()
