package io.featurex.loadtest.report;

import io.featurex.loadtest.verify.Timeline;
import java.util.List;

/** Throughput, lag and the slowest output over the run, with the join/leave events marked. */
final class TimelineCharts {

    private TimelineCharts() {}

    static void append(StringBuilder h, Report r) {
        List<Timeline.Bucket> tl = r.timeline();
        double[] t = tl.stream().mapToDouble(Timeline.Bucket::tSeconds).toArray();
        SvgChart throughput = new SvgChart(1060, 300, "Throughput over time", "seconds since start", "records / s")
                .series(
                        "sent",
                        t,
                        tl.stream().mapToDouble(Timeline.Bucket::sentPerSecond).toArray(),
                        false,
                        false)
                .series(
                        "completed (features + dead letters)",
                        t,
                        tl.stream()
                                .mapToDouble(Timeline.Bucket::completedPerSecond)
                                .toArray(),
                        true,
                        false)
                .series(
                        "dead letters",
                        t,
                        tl.stream()
                                .mapToDouble(Timeline.Bucket::deadLettersPerSecond)
                                .toArray(),
                        false,
                        false);
        SvgChart lag = new SvgChart(520, 260, "Lag over time", "seconds since start", "records sent, not completed")
                .series("lag", t, tl.stream().mapToDouble(b -> b.lag()).toArray(), true, false);
        SvgChart slowest = new SvgChart(520, 260, "Slowest output per second", "seconds since start", "latency (ms)")
                .series(
                        "max latency",
                        t,
                        tl.stream().mapToDouble(b -> b.maxLatencyMs()).toArray(),
                        true,
                        false);
        for (Report.Event e : r.events()) {
            if (e.label().startsWith("baseline")) {
                continue;
            }
            throughput.marker(e.tSeconds(), e.label());
            lag.marker(e.tSeconds(), e.label());
            slowest.marker(e.tSeconds(), e.label());
        }
        h.append("<h2>Throughput and lag</h2>\n<div class=\"panel\">")
                .append(throughput.render())
                .append("</div>\n");
        h.append("<div class=\"grid2\"><div class=\"panel\">")
                .append(lag.render())
                .append("</div><div class=\"panel\">")
                .append(slowest.render())
                .append("</div></div>\n");
    }
}
