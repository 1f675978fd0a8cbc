/**
 * The sidebar webview's HTML: a strict Content Security Policy (nothing by default; the script only
 * by nonce; styles, fonts and images only from the webview's own resource origin), the bundle's
 * script and stylesheet, and the locale on <body> so the first paint is already in the user's
 * language. Pure (the provider passes webview URIs as strings), so tests check it directly.
 *
 * One addition to "styles from cspSource": the component library's focus-visible feature test
 * (@microsoft/fast-web-utilities canUseFocusVisible) inserts an empty <style> element, tagged with
 * the nonce it reads from <meta property="csp-nonce">. The same per-load nonce is therefore allowed
 * for style elements; without it that probe is blocked (a CSP violation on every load) and focus
 * rings fall back to :focus. No 'unsafe-inline' anywhere.
 */
import { escapeHtml } from '../../core/display-text';

export interface SidebarHtmlInput {
  /** webview.asWebviewUri(dist/webview/main.js). */
  readonly scriptUri: string;
  /** webview.asWebviewUri(dist/webview/main.css). */
  readonly styleUri: string;
  /** webview.cspSource. */
  readonly cspSource: string;
  /** Fresh per page load: 128 random bits, base64. */
  readonly nonce: string;
  /** vscode.env.language. */
  readonly locale: string;
  /** The view's title for assistive technology. */
  readonly title: string;
}

/**
 * One source expression of webview.cspSource: a host source (VS Code desktop gives
 * `https://file+.vscode-resource.vscode-cdn.net`) or the 'self' keyword (code-server gives
 * `'self' https://*.vscode-cdn.net`). Nothing that could end the directive (`;`, `,`) or add another keyword.
 */
const SOURCE_EXPRESSION = /^(?:'self'|[A-Za-z0-9+.*:/_%-]+)$/;

/** The policy: default-src 'none'; style/font/img from the webview origin (styles also by nonce); script by nonce only. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new RangeError('nonce must be at least 16 base64 characters');
  const sources = cspSource.trim().split(/\s+/);
  if (cspSource.trim() === '' || !sources.every((s) => SOURCE_EXPRESSION.test(s))) throw new RangeError(`unexpected cspSource '${cspSource}'`);
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function sidebarHtml(i: SidebarHtmlInput): string {
  const csp = contentSecurityPolicy(i.cspSource, i.nonce);
  const lang = i.locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<meta property="csp-nonce" content="${escapeHtml(i.nonce)}">`,
    `<link rel="stylesheet" href="${escapeHtml(i.styleUri)}">`,
    `<title>${escapeHtml(i.title)}</title>`,
    '</head>',
    `<body data-locale="${escapeHtml(i.locale)}">`,
    '<main id="root" aria-live="off"></main>',
    `<script nonce="${escapeHtml(i.nonce)}" src="${escapeHtml(i.scriptUri)}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}
