/**
 * The one stylesheet of the HTML reports, inlined into every page: system fonts only, a page
 * that fits a 360 px phone (wide tables scroll inside their own box, charts shrink to the
 * screen), and a print layout on A4 with colours kept.
 */
export const REPORT_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#222;background:#fff;overflow-wrap:break-word;-webkit-print-color-adjust:exact;print-color-adjust:exact}
main{max-width:1100px;margin:0 auto;padding:12px}
h1{font-size:1.4rem;line-height:1.25;margin:.2em 0}
h2{font-size:1.2rem;line-height:1.3;margin:1.4em 0 .4em}
h3{font-size:1.05rem;line-height:1.3;margin:1.2em 0 .4em}
header.page{border-bottom:2px solid #1f5fa8;padding-bottom:.5em;margin-bottom:1em}
.subtitle{margin:0;color:#444}
.meta{margin:.2em 0 0;color:#666;font-size:.85rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:16px;margin:1em 0}
figure{margin:0;min-width:0}
figcaption{font-weight:600;margin-bottom:4px}
svg.chart{display:block;width:100%;max-width:640px;height:auto}
svg.chart a.client text{fill:#1f5fa8;text-decoration:underline}
.table-wrap{overflow-x:auto;max-width:100%;border:1px solid #ddd;border-radius:4px}
.table-wrap:focus{outline:2px solid #1f5fa8}
table{border-collapse:collapse;width:100%;font-size:.875rem;font-variant-numeric:tabular-nums}
th,td{padding:6px 8px;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top}
th{background:#eef3f9;font-weight:600;min-width:5em}
td.num,th.num{text-align:right;white-space:nowrap}
td.date{white-space:nowrap}
td.text{min-width:8em;max-width:26em;white-space:pre-line;overflow-wrap:break-word}
tbody tr:nth-child(even){background:#fafafa}
tfoot td{font-weight:700;border-top:2px solid #999;background:#f3f3f3}
.notes{color:#444;font-size:.875rem;padding-left:1.2em}
.empty{color:#666;font-style:italic}
nav.toc{background:#f5f8fc;border:1px solid #dde6f0;border-radius:4px;padding:.4em 1em;margin:1em 0}
nav.toc h2{margin:.4em 0;font-size:1.05rem}
nav.toc ol{margin:.2em 0 .6em;padding-left:1.4em}
nav.toc .toc-sub{color:#666;font-size:.85rem}
article.report{border-top:1px solid #ccc;margin-top:1.5em}
a{color:#1f5fa8}
.back{font-size:.85rem}
@page{size:A4;margin:12mm}
@media print{
body{font-size:10pt}
main{max-width:none;padding:0}
.table-wrap{overflow:visible;border:0}
table{font-size:8.5pt}
thead{display:table-header-group}
tr,figure{break-inside:avoid}
h1,h2,h3,figcaption{break-after:avoid}
.charts{display:block}
figure{max-width:160mm;margin-bottom:6mm}
article.report{break-before:page;border:0;margin:0}
.back{display:none}
a{color:inherit;text-decoration:none}
}
`
  .trim()
  .replace(/\n/g, '');
