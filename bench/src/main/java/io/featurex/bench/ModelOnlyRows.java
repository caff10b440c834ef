package io.featurex.bench;

import java.util.List;
import java.util.Locale;

/** The model-only rows of the bench table: featurex against the Python peers, bf16 against fp32, the matmul ceiling. */
final class ModelOnlyRows {

    static final Target FP32_VS_PYTHON = Target.atLeast(1.0);
    static final Target BF16_VS_FP32 = Target.atLeast(1.5);
    static final double BF16_MIN_COSINE = 0.999;
    static final Target INT8_VS_FP32 = Target.atLeast(3.0);
    static final double MIN_COSINE = 0.999;
    static final double MIN_RECALL = 0.99;

    private final BenchReport.Context ctx;
    private final BenchTable table;
    private final List<String> notes;

    ModelOnlyRows(BenchReport.Context ctx, BenchTable table, List<String> notes) {
        this.ctx = ctx;
        this.table = table;
        this.notes = notes;
    }

    /** featurex's own DJL graph: against the TorchScript file in fp32, and its bf16 copy against itself. */
    private void graphRows(ModelOnlySection.Result r) {
        Cells cells = r.cells();
        if (!cells.rowNames().contains(ModelOnlySection.GRAPH_FP32)) {
            return;
        }
        for (int batch : ctx.batchSizes()) {
            double ratio = cells.best(ModelOnlySection.GRAPH_FP32, batch).imagesPerSecond()
                    / cells.best(ModelOnlySection.FEATUREX_FP32, batch).imagesPerSecond();
            modelRow(
                    "model-only featurex fp32, own DJL graph (Keras .h5 / .params / random weights)",
                    ModelOnlySection.GRAPH_FP32,
                    batch,
                    cells,
                    r.matmulFp32(),
                    "featurex fp32 TorchScript, batch " + batch,
                    ratio,
                    null,
                    true);
        }
        if (!cells.rowNames().contains(ModelOnlySection.GRAPH_BF16)) {
            return;
        }
        boolean accurate = r.graphBf16MinCosine() >= BF16_MIN_COSINE;
        for (int batch : ctx.batchSizes()) {
            double ratio = cells.best(ModelOnlySection.GRAPH_BF16, batch).imagesPerSecond()
                    / cells.best(ModelOnlySection.GRAPH_FP32, batch).imagesPerSecond();
            modelRow(
                    String.format(
                            Locale.ROOT,
                            "model-only featurex bf16, own DJL graph (model.precision=bf16, min cos vs fp32 %s)",
                            Format.cosine(r.graphBf16MinCosine())),
                    ModelOnlySection.GRAPH_BF16,
                    batch,
                    cells,
                    r.matmulFp32(),
                    "featurex fp32 own graph, batch " + batch,
                    ratio,
                    BF16_VS_FP32,
                    accurate);
        }
        notes.add(
                "own DJL graph: VGG16 as featurex builds it for Keras .h5, DJL .params and seeded random weights (here seed 0, "
                        + "torch preprocessing: throughput does not depend on the weights' values); bf16 is the copy model.precision=bf16 "
                        + "makes of it, float32 in and out.");
    }

    /** The model-only rows of every batch size, with their notes. */
    void add(ModelOnlySection.Result r) {
        Cells cells = r.cells();
        for (int batch : ctx.batchSizes()) {
            Measurement m = cells.best(ModelOnlySection.FEATUREX_FP32, batch);
            BestPython py = bestPython(cells, batch);
            double ratio = m.imagesPerSecond() / py.m().imagesPerSecond();
            modelRow(
                    "model-only featurex fp32 (TorchScript file, loaded as `run` does)",
                    ModelOnlySection.FEATUREX_FP32,
                    batch,
                    cells,
                    r.matmulFp32(),
                    py.present() ? "best Python variant (" + py.variant() + "), batch " + batch : "",
                    ratio,
                    py.present() ? FP32_VS_PYTHON : null,
                    true);
        }
        if (r.bf16Unsupported().isPresent()) {
            table.add(
                    "model-only featurex bf16",
                    "",
                    "not measured",
                    "",
                    "",
                    "",
                    "",
                    BF16_VS_FP32.toString(),
                    "n/a",
                    r.bf16Unsupported().get());
        } else {
            boolean accurate = r.bf16MinCosine() >= BF16_MIN_COSINE;
            for (int batch : ctx.batchSizes()) {
                double ratio = cells.best(ModelOnlySection.FEATUREX_BF16, batch).imagesPerSecond()
                        / cells.best(ModelOnlySection.FEATUREX_FP32, batch).imagesPerSecond();
                String label = String.format(
                        Locale.ROOT,
                        "model-only featurex bf16 (bf16 TorchScript, min cos vs fp32 %s)",
                        Format.cosine(r.bf16MinCosine()));
                modelRow(
                        label,
                        ModelOnlySection.FEATUREX_BF16,
                        batch,
                        cells,
                        r.matmulFp32(),
                        "featurex fp32, batch " + batch,
                        ratio,
                        BF16_VS_FP32,
                        accurate);
            }
            notes.add(String.format(
                    Locale.ROOT,
                    "bf16: the same seeded weights exported by bench/tools/export_seeded_vgg16.py "
                            + "--precision bf16 (weights and activations bfloat16, casts to and from float32 inside the graph), loaded "
                            + "by featurex's ModelLoader like the fp32 file; min cosine vs fp32 over the sample images %s (needs >= %.3f).",
                    Format.cosine(r.bf16MinCosine()),
                    BF16_MIN_COSINE));
        }
        int8Rows(r);
        accuracyRows("bf16", r.bf16Accuracy());
        accuracyRows("int8", r.int8Accuracy());
        graphRows(r);
        for (String variant : PythonModelOnly.VARIANTS) {
            String row = ModelOnlySection.PYTHON_PREFIX + variant;
            if (!cells.rowNames().contains(row)) {
                continue;
            }
            for (int batch : ctx.batchSizes()) {
                modelRow(
                        "model-only Python torch (Debian), "
                                + (variant.equals("default") ? "NCHW as loaded (ordinary)" : "channels_last"),
                        row,
                        batch,
                        cells,
                        r.matmulFp32(),
                        "",
                        Double.NaN,
                        null,
                        true);
            }
        }
        table.add(
                "matmul " + ctx.matmulSize() + "x" + ctx.matmulSize() + " fp32, libtorch via DJL NDArray.matMul",
                "",
                "",
                Format.gflops(r.matmulFp32()),
                "",
                "",
                "",
                "",
                "",
                "best of one 1 s probe per round; the ceiling for the model's fp32 GFLOP/s");
        notes.add(String.format(
                Locale.ROOT,
                "model-only: each cell is the best of %d interleaved rounds (featurex fp32, bf16, "
                        + "own graph fp32 and bf16, Python per batch size, in turn; then up to %d retry pass(es) of the cells whose best try saw other processes "
                        + "take more than %.2f cores), each try one warm-up batch then batches for >= %.1f s; 'detail' gives the range "
                        + "over tries. GFLOP/s = images/s x %.2f GFLOP (VGG16 notop, 224x224). Peak RSS is the measuring process's "
                        + "VmHWM during the cell (the bench JVM holds all four featurex models; Python its own process).",
                ctx.rounds(),
                ctx.retries(),
                ctx.maxOthers(),
                ctx.minSeconds(),
                ctx.gflopPerImage()));
        notes.add(BenchReport.loadNote(
                "model-only cells",
                r.cells().all().stream().mapToDouble(Measurement::foreignCores).toArray()));
    }

    /** The INT8 file against the fp32 file of the same weights. */
    private void int8Rows(ModelOnlySection.Result r) {
        if (r.int8Unsupported().isPresent()) {
            table.add(
                    "model-only featurex int8",
                    "",
                    "not measured",
                    "",
                    "",
                    "",
                    "",
                    INT8_VS_FP32.toString(),
                    "n/a",
                    r.int8Unsupported().get());
            return;
        }
        Cells cells = r.cells();
        boolean accurate = r.int8MinCosine() >= MIN_COSINE;
        for (int batch : ctx.batchSizes()) {
            double ratio = cells.best(ModelOnlySection.FEATUREX_INT8, batch).imagesPerSecond()
                    / cells.best(ModelOnlySection.FEATUREX_FP32, batch).imagesPerSecond();
            modelRow(
                    String.format(
                            Locale.ROOT,
                            "model-only featurex int8 (model.precision=int8, min cos vs fp32 %s)",
                            Format.cosine(r.int8MinCosine())),
                    ModelOnlySection.FEATUREX_INT8,
                    batch,
                    cells,
                    r.matmulFp32(),
                    "featurex fp32, batch " + batch,
                    ratio,
                    INT8_VS_FP32,
                    accurate);
        }
        notes.add(String.format(
                Locale.ROOT,
                "int8: the same seeded fp32 file quantized by tools/int8/quantize_vgg16.py (FX post-training static quantization, "
                        + "onednn qconfig: weights int8 per output channel, activations uint8 per tensor, calibrated on the sample "
                        + "images), loaded with model.precision=int8; libtorch runs it with its default x86 quantized engine (DJL "
                        + "cannot choose another), oneDNN kernels on a VNNI CPU; min cosine vs fp32 over the sample images %s "
                        + "(needs >= %.3f). Its GFLOP/s counts the same multiply-adds as fp32 (int8 ones).",
                Format.cosine(r.int8MinCosine()),
                MIN_COSINE));
    }

    /** Cosine per image and recall@k against fp32 over the accuracy set. */
    private void accuracyRows(String precision, java.util.Optional<Agreement> accuracy) {
        if (accuracy.isEmpty()) {
            return;
        }
        Agreement a = accuracy.get();
        table.add(
                "accuracy " + precision + " vs fp32: min cosine per image, golden images + variants",
                "",
                "",
                "",
                "",
                a.names().size() + " images; worst " + a.worst(),
                Format.cosine(a.minCosine()),
                ">= " + MIN_COSINE,
                a.minCosine() >= MIN_COSINE ? "met" : "NOT met",
                String.format(Locale.ROOT, "mean %s", Format.cosine(a.meanCosine())));
        table.add(
                "accuracy " + precision + " vs fp32: recall@" + a.k() + " of similar's exact search",
                "",
                "",
                "",
                "",
                "top-" + a.k() + " in the " + precision + " index vs in the fp32 index, each image as query",
                String.format(Locale.ROOT, "%.4f", a.recall()),
                ">= " + MIN_RECALL,
                a.recall() >= MIN_RECALL ? "met" : "NOT met",
                String.format(
                        Locale.ROOT,
                        "cosine metric, the query left out; median error (1 - cosine) %.1e, median margin between"
                                + " the fp32 %d-th and %d-th neighbours %.1e",
                        a.medianError(),
                        a.k(),
                        a.k() + 1,
                        a.margin()));
        if (precision.equals("int8")) {
            notes.add(
                    "accuracy set: the golden images (worker/src/test/resources/golden/images) that ImageIO reads, each as "
                            + String.join(", ", AccuracyImages.VARIANTS)
                            + ", stretched to 224x224, torch preprocessing; none of them is in the int8 calibration set. The weights "
                            + "are seeded (no ImageNet weights offline), so neighbours are by a random VGG16's features.");
        }
    }

    private void modelRow(
            String label,
            String row,
            int batch,
            Cells cells,
            double matmul,
            String compared,
            double ratio,
            Target target,
            boolean applicable) {
        Measurement m = cells.best(row, batch);
        double rate = m.imagesPerSecond();
        double gflops = Flops.achieved(rate, ctx.gflopPerImage());
        double[] range = cells.range(row, batch);
        String detail = String.format(
                Locale.ROOT,
                "rounds %s-%s; %s of matmul; others %s cores",
                Format.rate(range[0]),
                Format.rate(range[1]),
                Format.percent(gflops / matmul),
                Format.cores(m.foreignCores()));
        String verdict = target == null ? "" : !applicable ? "n/a: cos < " + BF16_MIN_COSINE : target.verdict(ratio);
        table.add(
                label,
                Integer.toString(batch),
                Format.rate(rate),
                Format.gflops(gflops),
                Format.gib(m.peakRssBytes()),
                compared,
                target == null && Double.isNaN(ratio) ? "" : Format.ratio(ratio, target),
                target == null ? "" : target.toString(),
                verdict,
                detail);
    }

    private record BestPython(String variant, Measurement m) {
        boolean present() {
            return m.present();
        }
    }

    private static BestPython bestPython(Cells cells, int batch) {
        BestPython best = new BestPython("", Measurement.NONE);
        for (String variant : PythonModelOnly.VARIANTS) {
            Measurement m = cells.best(ModelOnlySection.PYTHON_PREFIX + variant, batch);
            if (m.present()
                    && (!best.present() || m.imagesPerSecond() > best.m().imagesPerSecond())) {
                best = new BestPython(variant, m);
            }
        }
        return best;
    }
}
