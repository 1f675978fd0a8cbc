/**
 * The frameworks a configuration snippet of the advice is written for (snippets.ts), in the order it lists them. Kept
 * apart from the writers, as paste-formats.ts is, so the sidebar's message checks (src/webview-protocol.ts) can name
 * them without bundling the writers into the webview.
 */
export const SNIPPET_KINDS = ['pytorch', 'hf-trainer', 'deepspeed', 'optax'] as const;
export type SnippetKind = (typeof SNIPPET_KINDS)[number];
