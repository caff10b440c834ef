package io.featurex.loadtest;

import io.featurex.loadtest.report.HtmlReport;
import io.featurex.loadtest.report.ReportJson;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code featurex-loadtest render}: a report.json's page, rendered again. */
@Command(
        name = "render",
        mixinStandardHelpOptions = true,
        description = "Writes the HTML page of a report.json again (after an upgrade of the tool, say).")
final class RenderCommand implements Callable<Integer> {
    @Option(names = "--json", required = true, paramLabel = "FILE")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Default: report.html beside the JSON.")
    Path html;

    @Override
    public Integer call() throws Exception {
        Path target = html != null ? html : json.toAbsolutePath().resolveSibling("report.html");
        HtmlReport.write(ReportJson.read(json), target);
        System.out.println(target);
        return 0;
    }
}
