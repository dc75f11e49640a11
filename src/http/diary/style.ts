/**
 * The diary's page policy and styles (added to the reports' stylesheet): cards that stack on a
 * 360 px phone, big touch targets, forms without JavaScript.
 */

/** Nothing but the page and its inline styles; forms post only to this site; never framed. */
export const DIARY_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const DIARY_CSS = `
header.diary{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start;justify-content:space-between;border-bottom:2px solid #1f5fa8;padding-bottom:.5em;margin-bottom:.8em}
header.diary form{margin:0}
form.search{display:flex;gap:6px;flex:1 1 100%;min-width:0}
form.search input{flex:1 1 auto;min-width:0;font:inherit;padding:6px;border:1px solid #aab4c0;border-radius:4px}
nav.diary-links{display:flex;gap:12px;align-items:center}
.flash{background:#e8f4ea;border:1px solid #9ccaa5;border-radius:4px;padding:.5em .8em;margin:.6em 0}
.flash.error{background:#fbeaea;border-color:#e0a3a3}
.tasks{list-style:none;margin:0;padding:0}
article.task{border:1px solid #d5dbe3;border-radius:6px;margin:.6em 0;background:#fff}
article.task.overdue{border-left:5px solid #c0392b}
section.visit{border:1px solid #b9c7d8;border-radius:8px;margin:1em 0;padding:.2em .8em .8em;background:#f7f9fc}
section.visit.overdue{border-left:6px solid #c0392b}
section.visit>h3{margin:.5em 0 .2em}
article.task>details>summary{cursor:pointer;padding:.6em .7em;list-style-position:inside}
article.task>details[open]>summary{border-bottom:1px solid #e5e5e5;background:#f5f8fc}
.task-body{padding:.2em .8em .8em}
.kind{font-weight:600}
.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:1px 6px;border-radius:10px;background:#eee;color:#333;margin-left:4px;white-space:nowrap}
.badge.overdue{background:#c0392b;color:#fff}
.badge.high{background:#fbe3e1;color:#a0271c}
.badge.dynamic{background:#fdf0d5;color:#8a5a00}
.badge.none{background:#e3f3e6;color:#24703a}
.line{display:block;color:#444;font-size:.9rem}
dl.card{display:grid;grid-template-columns:minmax(6em,max-content) minmax(0,1fr);gap:2px 10px;margin:.5em 0}
dl.card dt{color:#666}
dl.card dd{margin:0;min-width:0}
.reasons{margin:.2em 0;padding-left:1.2em}
.script{white-space:pre-line;background:#fafafa;border:1px solid #eee;border-radius:4px;padding:.5em}
.links{padding-left:1.2em;margin:.3em 0}
.links a,.script,.task-body{overflow-wrap:anywhere}
form.outcome,form.reassign{margin:.8em 0 0;padding:.6em;border:1px solid #dde6f0;border-radius:4px;background:#f9fbfd}
fieldset{border:0;margin:0 0 .5em;padding:0;min-width:0}
legend{font-weight:600;padding:0;margin-bottom:.3em}
label.choice{display:block;padding:6px 0}
label.field{display:block;margin:.4em 0}
textarea,select,input[type=text],input[type=password]{display:block;width:100%;max-width:100%;font:inherit;padding:6px;border:1px solid #aab4c0;border-radius:4px;margin-top:2px}
button{font:inherit;font-weight:600;padding:.55em 1.2em;border:0;border-radius:4px;background:#1f5fa8;color:#fff;cursor:pointer;min-height:44px}
button.secondary{background:#e9eef4;color:#1f5fa8;min-height:36px;padding:.35em .9em}
.team h3{margin-top:1em}
ul.compact{list-style:none;padding:0;margin:.3em 0}
ul.compact>li{border-bottom:1px solid #eee;padding:.5em 0}
.muted{color:#666;font-size:.875rem}
`
  .trim()
  .replace(/\n/g, '');
