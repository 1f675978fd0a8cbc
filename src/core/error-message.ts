/**
 * The message of a thrown value, for the one-line reports of a failure that was caught: an Error's message, else the
 * value as text. Shared by the process supervisor, the GPU installer, the sidebar's host and the webview.
 */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
