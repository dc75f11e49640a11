/**
 * Text an e-mail carries but does not show — the preheader (MJML's `mj-preview`: the line a
 * mail client lists under the subject) and the hidden honeypot link's spacer — hidden the way
 * mail clients honour: `display:none` (most clients), `mso-hide:all` (Outlook's Word engine),
 * and `max-height:0; overflow:hidden; opacity:0` where a client drops `display`.
 *
 * Never by colour: MJML paints its preheader `color:#ffffff`, which on our light background is
 * what spam filters look for in hidden text (SpamAssassin's HTML_FONT_LOW_CONTRAST, 0.7 points,
 * checks colours before it looks at `display:none`). A hidden block here has no colour of its
 * own and inherits the body's dark text colour.
 */

/** Opening tags of hidden blocks: a `div` or `span` whose inline style starts with `display:none`. */
const HIDDEN_OPENING = /<(div|span)(\s+)style="(\s*display\s*:\s*none\s*;[^"]*)"/gi;

/** Declarations that give hidden text a colour (text or background) of its own. */
const COLOUR = /^(color|background(-color)?)$/i;

/** The inline style of a hidden block, without colours and with Outlook's own hiding. */
export function hiddenStyle(style: string): string {
  const declarations = style
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !COLOUR.test(d.split(':')[0]?.trim() ?? ''));
  if (!declarations.some((d) => /^mso-hide\s*:/i.test(d))) declarations.push('mso-hide:all');
  return `${declarations.join(';')};`;
}

/** Compiled HTML with every hidden block restyled by {@link hiddenStyle}. */
export function hideWithoutColour(html: string): string {
  return html.replace(HIDDEN_OPENING, (_m, tag: string, space: string, style: string) => `<${tag}${space}style="${hiddenStyle(style)}"`);
}
