/** The HTML backtest report's stylesheet (inline: the report loads no file or URL). */
export const STYLE = `
*{box-sizing:border-box}
body{margin:0;padding:24px 28px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2330;background:#f6f7f9}
main{max-width:1296px;margin:0 auto}
h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:32px 0 10px}h3{font-size:15px;margin:18px 0 8px}
.meta{margin:0;color:#4a5263}.meta b{color:#1d2330;font-weight:600}
.muted{color:#6b7385}
section.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:16px 18px;margin:16px 0}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
table.summary{width:100%}
th,td{padding:4px 10px;border-bottom:1px solid #e6e9ef;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
thead th{font-weight:600;color:#4a5263;border-bottom:2px solid #cfd5df;position:sticky;top:0;background:#fff}
tr.total th,tr.total td{font-weight:700;border-top:2px solid #cfd5df;border-bottom:none}
.pos{color:#1b7f3b}.neg{color:#c0392b}
td.long{color:#1e5bd8}td.short{color:#d35400}
.tradelist{max-height:420px;overflow:auto;border:1px solid #e6e9ef;border-radius:6px}
table.trades{width:100%}
.chart{display:flex;align-items:flex-start;margin:8px 0}
.chart .scroll{overflow:hidden;flex:1;min-width:0}
details.zoom{margin:6px 0}details.zoom summary{cursor:pointer;color:#1e5bd8}
.ind{fill:none;stroke-width:1.4;opacity:.9}
.trade .stop,.ztrade .stop{stroke:#c0392b;stroke-width:1.4;fill:none}
.trade .target,.ztrade .target{stroke:#1b7f3b;stroke-width:1.4;fill:none}
.count{font-size:10px;font-weight:700;fill:#1d2330}
.ztrade .link{stroke-width:1.3;stroke-dasharray:3 2;fill:none}
.ztrade.win .link,.ztrade.win .exit{stroke:#1b7f3b}.ztrade.loss .link,.ztrade.loss .exit{stroke:#c0392b}.ztrade.flat .link,.ztrade.flat .exit{stroke:#6b7385}
.ztrade .entry{stroke:#fff;stroke-width:1}.ztrade .entry.long{fill:#1e5bd8}.ztrade .entry.short{fill:#e67e22}
.ztrade .exit{stroke-width:2.2;fill:none;stroke-linecap:round}
svg{display:block;font-size:11px;fill:#4a5263}
svg text{font-family:inherit}
svg.equity{max-width:100%;height:auto}
.grid{stroke:#eceff4;stroke-width:1;fill:none}
.tick{stroke:#f1f3f7;fill:none}
.axis{stroke:#9aa3b2;fill:none}
.zero{stroke:#9aa3b2;stroke-dasharray:4 3;fill:none}
svg.candles .up{fill:#7fcfbf;stroke:#4fa897;stroke-width:1}
svg.candles .down{fill:#f2a4a0;stroke:#d9716b;stroke-width:1}
.trade .link{stroke-width:1.3;stroke-dasharray:3 2;fill:none}
.trade.win .link{stroke:#1b7f3b}.trade.loss .link{stroke:#c0392b}.trade.flat .link{stroke:#6b7385}
.trade .entry{stroke:#fff;stroke-width:1}
.trade .entry.long{fill:#1e5bd8}.trade .entry.short{fill:#e67e22}
.trade .exit{stroke-width:2.2;fill:none;stroke-linecap:round}
.trade.win .exit{stroke:#1b7f3b}.trade.loss .exit{stroke:#c0392b}.trade.flat .exit{stroke:#6b7385}
.trade:hover .link{stroke-width:2.5;stroke-dasharray:none}
.equity .total{stroke:#1d2330;stroke-width:2;fill:none}
.equity .series{stroke-width:1.2;fill:none;opacity:.8}
.equity .dd rect{fill:#c0392b;opacity:.12}
.equity .dd path{stroke:#c0392b;stroke-width:1.5;stroke-dasharray:4 3;fill:none}
.equity .dd path.bracket{stroke-dasharray:none;stroke-width:1}
.equity .dd text{fill:#c0392b;font-weight:600;font-size:12px}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:4px 0 0;color:#4a5263;font-size:13px}
.legend i{font-style:normal;font-weight:700}
.sw{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:5px}
`;
