package io.featurex.loadtest.report;

/** The stylesheet every report page inlines, so a page needs no file beside it. */
final class ReportStyle {

    private ReportStyle() {}

    static final String CSS = """
            :root { color-scheme: light; }
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   color: #1f2937; background: #f3f4f6; margin: 0; }
            main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 16px; margin: 28px 0 10px; }
            .sub { color: #6b7280; margin: 0 0 16px; }
            .verdict { display: inline-block; padding: 2px 12px; border-radius: 999px; font-weight: 700;
                       color: #fff; margin-left: 10px; font-size: 14px; vertical-align: 3px; }
            .pass { background: #16a34a; } .fail { background: #dc2626; }
            .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
            .card { background: #fff; border-radius: 8px; padding: 10px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
            .card .v { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
            .card .k { color: #6b7280; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
            .card.bad .v { color: #dc2626; } .card.good .v { color: #16a34a; }
            .panel { background: #fff; border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08);
                     margin-bottom: 14px; }
            .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
            .chart { width: 100%; height: auto; display: block; }
            .chart .plot { fill: #fcfcfd; stroke: #e5e7eb; }
            .chart .grid { stroke: #e5e7eb; stroke-width: 1; }
            .chart .tick { font-size: 11px; fill: #6b7280; }
            .chart .axis { font-size: 12px; fill: #374151; }
            .chart .legend { font-size: 12px; fill: #374151; }
            .chart .marker { stroke: #6b7280; stroke-dasharray: 4 3; }
            .chart .marker-label { font-size: 11px; fill: #374151; }
            table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
            th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid #e5e7eb; }
            th { color: #6b7280; font-weight: 600; font-size: 12px; }
            td.n, th.n { text-align: right; }
            .note { background: #fffbeb; border: 1px solid #fcd34d; border-radius: 8px; padding: 8px 14px; margin: 0 0 14px; }
            code, pre { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
            pre { background: #111827; color: #e5e7eb; padding: 10px 12px; border-radius: 6px; white-space: pre-wrap;
                  word-break: break-all; margin: 0; }
            dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
            dt { color: #6b7280; } dd { margin: 0; }
            """;
}
