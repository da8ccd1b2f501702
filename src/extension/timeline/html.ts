import { randomBytes } from 'node:crypto';

// The timeline webview's page (no vscode import, so tests can serve the same page to a browser).
// Content-Security-Policy: nothing by default (no images, fonts, frames, connections); the one
// script and the one stylesheet are the extension's own files (webview.asWebviewUri) and carry a
// fresh nonce; no inline script or style, no inline event handlers, nothing remote. Styles set
// through the CSSOM (element.style.left…, as uPlot and the tooltip do) are not inline styles and
// stay allowed.

export interface TimelinePage {
  /** webview.cspSource: the origin the extension's files are served from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** Default: 18 random bytes, base64. */
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource} 'nonce-${nonce}'`].join('; ');
}

export function timelineHtml(page: TimelinePage): string {
  const nonce = page.nonce ?? newNonce();
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(page.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${attr(nonce)}" href="${attr(page.styleUri)}">
<title>Lambda Timeline</title>
</head>
<body>
<div id="app"></div>
<script nonce="${attr(nonce)}" src="${attr(page.scriptUri)}"></script>
</body>
</html>`;
}
