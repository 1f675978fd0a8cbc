/**
 * The formats a change to paste is written in (README "Recommend: the change to paste"), in the order paste.ts lists
 * them after the job's own. Kept apart from the generator so the sidebar's message checks (src/webview-protocol.ts)
 * can name them without bundling the generator into the webview.
 */
export const PASTE_FORMATS = ['hf-trainer', 'hf-trainer-yaml', 'axolotl', 'torchtune', 'lightning-cli', 'hydra', 'nemo', 'deepspeed', 'ultralytics-cli', 'ultralytics-python', 'ultralytics-yaml', 'pytorch'] as const;
export type PasteFormat = (typeof PASTE_FORMATS)[number];
