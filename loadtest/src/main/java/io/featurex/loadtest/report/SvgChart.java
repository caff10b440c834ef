package io.featurex.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A line chart as inline SVG: no script, no network, so the report opens from disk anywhere.
 * The y axis starts at 0; the x axis is linear (time) or counts "nines" for percentile curves
 * (x = -log10(1 - p), so 90%, 99%, 99.9% are evenly spaced, as HdrHistogram plots them).
 */
final class SvgChart {

    static final String[] PALETTE = {"#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2"};

    private static final int LEFT = 64;
    private static final int RIGHT = 18;
    private static final int TOP = 34;
    private static final int BOTTOM = 46;

    private final int width;
    private final int height;
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private DoubleFunction<String> xTickFormat = SvgChart::number;
    private double[] xTicks;
    private double xMin = Double.NaN;
    private double xMax = Double.NaN;

    SvgChart(int width, int height, String title, String xLabel, String yLabel) {
        this.width = width;
        this.height = height;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    SvgChart series(String name, double[] xs, double[] ys, boolean filled, boolean dots) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("xs and ys differ in length");
        }
        series.add(new Series(name, PALETTE[series.size() % PALETTE.length], xs, ys, filled, dots));
        return this;
    }

    SvgChart marker(double x, String label) {
        markers.add(new Marker(x, label));
        return this;
    }

    /** Fixed x ticks with their labels (for the nines axis). */
    SvgChart xTicks(double[] ticks, DoubleFunction<String> format) {
        this.xTicks = ticks.clone();
        this.xTickFormat = format;
        return this;
    }

    SvgChart xRange(double min, double max) {
        this.xMin = min;
        this.xMax = max;
        return this;
    }

    String render() {
        double x0 = xMin;
        double x1 = xMax;
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.xs.length; i++) {
                if (Double.isNaN(xMin)) {
                    x0 = Double.isNaN(x0) ? s.xs[i] : Math.min(x0, s.xs[i]);
                }
                if (Double.isNaN(xMax)) {
                    x1 = Double.isNaN(x1) ? s.xs[i] : Math.max(x1, s.xs[i]);
                }
                if (Double.isFinite(s.ys[i])) {
                    yMax = Math.max(yMax, s.ys[i]);
                }
            }
        }
        if (Double.isNaN(x0) || Double.isNaN(x1)) {
            x0 = 0;
            x1 = 1;
        }
        if (x1 <= x0) {
            x1 = x0 + 1;
        }
        double yStep = niceStep(yMax <= 0 ? 1 : yMax / 5);
        double yTop = Math.max(yStep, Math.ceil(yMax / yStep) * yStep);
        if (yTop < yMax * 1.04) {
            yTop += yStep;
        }
        double pw = width - LEFT - RIGHT;
        double ph = height - TOP - BOTTOM;
        final double fx0 = x0;
        final double fx1 = x1;
        final double fyTop = yTop;
        DoubleFunction<Double> sx = x -> LEFT + (x - fx0) / (fx1 - fx0) * pw;
        DoubleFunction<Double> sy = y -> TOP + ph - Math.min(y, fyTop) / fyTop * ph;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" class=\"chart\" role=\"img\" aria-label=\"%s\">",
                width,
                height,
                Html.escape(title)));
        svg.append("<title>").append(Html.escape(title)).append("</title>");
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" class=\"plot\"/>",
                LEFT,
                TOP,
                pw,
                ph));
        // y grid and ticks
        for (double y = 0; y <= yTop + yStep / 2; y += yStep) {
            double py = sy.apply(y);
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>",
                    LEFT,
                    LEFT + pw,
                    py,
                    py));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>",
                    LEFT - 6,
                    py + 4,
                    number(y)));
        }
        // x grid and ticks
        double[] ticks = xTicks != null ? xTicks : linearTicks(x0, x1);
        for (double x : ticks) {
            if (x < x0 - 1e-9 || x > x1 + 1e-9) {
                continue;
            }
            double px = sx.apply(x);
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" class=\"grid\"/>",
                    px,
                    px,
                    TOP,
                    TOP + ph));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                    px,
                    TOP + ph + 16,
                    Html.escape(xTickFormat.apply(x))));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>",
                LEFT + pw / 2,
                height - 8,
                Html.escape(xLabel)));
        svg.append(String.format(
                Locale.ROOT,
                "<text transform=\"translate(14 %.1f) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">%s</text>",
                TOP + ph / 2,
                Html.escape(yLabel)));
        // markers
        int shown = 0;
        for (Marker m : markers) {
            if (m.x < x0 || m.x > x1) {
                continue;
            }
            int labelY = TOP + 12 + 13 * (shown++ % 3); // staggered, so close events stay readable
            double px = sx.apply(m.x);
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" class=\"marker\"/>",
                    px,
                    px,
                    TOP,
                    TOP + ph));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" class=\"marker-label\">%s</text>",
                    px + 4,
                    labelY,
                    Html.escape(m.label)));
        }
        // series
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.xs.length; i++) {
                if (!Double.isFinite(s.ys[i])) {
                    continue;
                }
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx.apply(s.xs[i]), sy.apply(s.ys[i])));
            }
            if (points.length() == 0) {
                continue;
            }
            if (s.filled && s.xs.length > 1) {
                svg.append(String.format(
                        Locale.ROOT,
                        "<polygon points=\"%.1f,%.1f %s%.1f,%.1f\" fill=\"%s\" fill-opacity=\"0.12\" stroke=\"none\"/>",
                        sx.apply(s.xs[0]),
                        TOP + ph,
                        points,
                        sx.apply(s.xs[s.xs.length - 1]),
                        TOP + ph,
                        s.color));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\"/>",
                    points.toString().trim(),
                    s.color));
            if (s.dots) {
                for (int i = 0; i < s.xs.length; i++) {
                    if (Double.isFinite(s.ys[i])) {
                        svg.append(String.format(
                                Locale.ROOT,
                                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s: %s</title></circle>",
                                sx.apply(s.xs[i]),
                                sy.apply(s.ys[i]),
                                s.color,
                                Html.escape(s.name),
                                Html.escape(xTickFormat.apply(s.xs[i]) + " → " + number(s.ys[i]))));
                    }
                }
            }
        }
        // legend, top left above the plot
        double lx = LEFT;
        for (Series s : series) {
            svg.append(String.format(
                    Locale.ROOT, "<rect x=\"%.1f\" y=\"10\" width=\"14\" height=\"4\" fill=\"%s\"/>", lx, s.color));
            svg.append(String.format(
                    Locale.ROOT, "<text x=\"%.1f\" y=\"16\" class=\"legend\">%s</text>", lx + 19, Html.escape(s.name)));
            lx += 34 + 7.2 * s.name.length();
        }
        svg.append("</svg>");
        return svg.toString();
    }

    static double[] linearTicks(double x0, double x1) {
        double step = niceStep((x1 - x0) / 8);
        List<Double> ticks = new ArrayList<>();
        for (double x = Math.ceil(x0 / step) * step; x <= x1 + step * 1e-6; x += step) {
            ticks.add(x);
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double fraction = rough / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    static String number(double v) {
        if (Math.abs(v) >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (Math.abs(v) >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) < 1 ? "%.2f" : "%.1f", v);
    }

    private record Series(String name, String color, double[] xs, double[] ys, boolean filled, boolean dots) {}

    private record Marker(double x, String label) {}
}
