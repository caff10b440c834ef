package io.featurex.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The decode section's table: decode + resize ms per image, featurex's decoders against Pillow on the same files. */
final class DecodeReport {

    /** The exact decode (PIL-identical pixels) against Pillow on the same files, one core each. */
    static final Target EXACT_VS_PILLOW = Target.atLeast(1.0);
    /** The reduced decode against the exact one, on the large photos. */
    static final Target REDUCED_VS_EXACT = Target.atLeast(3.0);

    private DecodeReport() {}

    static String render(List<DecodeTimes.Row> rows, List<Path> files, List<Path> large, int runs, List<String> notes) {
        BenchTable table = new BenchTable(
                BenchTable.Column.left("decode + resize, one thread"),
                BenchTable.Column.right("mean ms"),
                BenchTable.Column.right("median ms"),
                BenchTable.Column.right("large photos ms"),
                BenchTable.Column.left("compared with"),
                BenchTable.Column.right("ratio"),
                BenchTable.Column.left("target"),
                BenchTable.Column.left("verdict"));
        for (DecodeTimes.Row row : rows) {
            double largeMs = largeMean(row, files, large);
            String against = "";
            double ratio = Double.NaN;
            Target target = null;
            if (row.decoder().equals("turbo") || row.decoder().equals("imageio")) {
                against = "pillow";
                ratio = row.timesPillow();
                target = row.decoder().equals("turbo") ? EXACT_VS_PILLOW : null;
            } else if (row.decoder().endsWith("-reduced")) {
                String exact = row.decoder().substring(0, row.decoder().length() - "-reduced".length());
                DecodeTimes.Row exactRow = rows.stream()
                        .filter(r -> r.decoder().equals(exact))
                        .findFirst()
                        .orElse(null);
                if (exactRow != null && !large.isEmpty()) {
                    against = exact + " on the large photos";
                    ratio = largeMean(exactRow, files, large) / largeMs;
                    target = row.decoder().equals("turbo-reduced") ? REDUCED_VS_EXACT : null;
                }
            }
            table.add(
                    row.decoder(),
                    fmt(row.meanMs()),
                    fmt(row.medianMs()),
                    large.isEmpty() ? "" : fmt(largeMs),
                    against,
                    Double.isNaN(ratio) ? "" : target == null ? Format.ratio(ratio) : Format.ratio(ratio, target),
                    target == null ? "" : target.toString(),
                    target == null || Double.isNaN(ratio) ? "" : target.verdict(ratio));
        }
        notes.add(String.format(
                Locale.ROOT,
                "decode: %d files (%d large photos), %d interleaved runs each after a warm-up; decode, "
                        + "convert to RGB, Resize(256) + CenterCrop(224) as torchvision, on one thread; Pillow by bench/peers/pillow_decode.py "
                        + "pinned to one core on the same files. turbo and imageio give PIL's pixels exactly; the -reduced rows "
                        + "(decode.jpeg-reduce) do not.",
                files.size(),
                large.size(),
                runs));
        return table.render();
    }

    private static double largeMean(DecodeTimes.Row row, List<Path> files, List<Path> large) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < files.size(); i++) {
            if (large.contains(files.get(i))) {
                sum += row.perFileMeanMs()[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static String fmt(double ms) {
        return Double.isNaN(ms) ? "" : String.format(Locale.ROOT, "%.1f", ms);
    }
}
