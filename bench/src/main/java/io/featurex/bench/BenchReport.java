package io.featurex.bench;

import io.featurex.worker.infer.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the sections' results into the one table (with the machine above it and the notes that
 * explain it below), comparing each figure with its goal from the throughput issue.
 */
final class BenchReport {

    static final Target E2E_VS_MODEL = Target.atLeast(0.95);
    static final Target FP32_VS_PYTHON = Target.atLeast(1.0);
    static final Target BF16_VS_FP32 = Target.atLeast(1.5);
    static final double BF16_MIN_COSINE = 0.999;
    static final Target E2E_VS_PYTHON = Target.atLeast(1.15);
    static final Target BACKLOG_RSS = Target.belowGiB(1.5);

    record Context(
            Machine machine,
            String commandLine,
            List<Integer> batchSizes,
            double gflopPerImage,
            int matmulSize,
            int rounds,
            int retries,
            double maxOthers,
            double minSeconds,
            int batchMaxSize,
            int batchMaxDelayMs,
            int decodeThreads,
            int threads,
            int backlog,
            int backlogLatencyMs,
            Map<String, String> setDescriptions) {}

    private final Context ctx;
    private final BenchTable table = new BenchTable(
            BenchTable.Column.left("measurement"),
            BenchTable.Column.right("batch"),
            BenchTable.Column.right("images/s"),
            BenchTable.Column.right("GFLOP/s"),
            BenchTable.Column.right("peak RSS"),
            BenchTable.Column.left("compared with"),
            BenchTable.Column.right("ratio"),
            BenchTable.Column.left("target"),
            BenchTable.Column.left("verdict"),
            BenchTable.Column.left("detail"));
    private final List<String> notes = new ArrayList<>();
    private boolean sameWorkNoted;

    BenchReport(Context ctx) {
        this.ctx = ctx;
    }

    String render(Optional<ModelOnlySection.Result> model, Optional<EndToEndSection.Result> e2e, Optional<FeedSection.Result> feed,
            List<String> tables, List<String> tableNotes) {
        model.ifPresent(this::modelRows);
        e2e.ifPresent(r -> endToEndRows(r, model));
        StringBuilder out = new StringBuilder();
        out.append("featurex bench: ").append(ctx.machine().summary()).append('\n');
        out.append("command: ").append(ctx.commandLine()).append("\n\n");
        if (model.isPresent() || e2e.isPresent()) {
            out.append(table.render()).append('\n');
        }
        feed.ifPresent(f -> out.append(FeedReport.render(f, notes)).append('\n'));
        tables.forEach(t -> out.append(t).append('\n'));
        notes.addAll(tableNotes);
        for (String note : notes) {
            out.append("- ").append(note).append('\n');
        }
        return out.toString();
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
            modelRow("model-only featurex fp32, own DJL graph (Keras .h5 / .params / random weights)", ModelOnlySection.GRAPH_FP32,
                    batch, cells, r.matmulFp32(), "featurex fp32 TorchScript, batch " + batch, ratio, null, true);
        }
        if (!cells.rowNames().contains(ModelOnlySection.GRAPH_BF16)) {
            return;
        }
        boolean accurate = r.graphBf16MinCosine() >= BF16_MIN_COSINE;
        for (int batch : ctx.batchSizes()) {
            double ratio = cells.best(ModelOnlySection.GRAPH_BF16, batch).imagesPerSecond()
                    / cells.best(ModelOnlySection.GRAPH_FP32, batch).imagesPerSecond();
            modelRow(String.format(Locale.ROOT, "model-only featurex bf16, own DJL graph (model.precision=bf16, min cos vs fp32 %s)",
                    Format.cosine(r.graphBf16MinCosine())), ModelOnlySection.GRAPH_BF16, batch, cells, r.matmulFp32(),
                    "featurex fp32 own graph, batch " + batch, ratio, BF16_VS_FP32, accurate);
        }
        notes.add("own DJL graph: VGG16 as featurex builds it for Keras .h5, DJL .params and seeded random weights (here seed 0, "
                + "torch preprocessing: throughput does not depend on the weights' values); bf16 is the copy model.precision=bf16 "
                + "makes of it, float32 in and out.");
    }

    private void modelRows(ModelOnlySection.Result r) {
        Cells cells = r.cells();
        for (int batch : ctx.batchSizes()) {
            Measurement m = cells.best(ModelOnlySection.FEATUREX_FP32, batch);
            BestPython py = bestPython(cells, batch);
            double ratio = m.imagesPerSecond() / py.m().imagesPerSecond();
            modelRow("model-only featurex fp32 (TorchScript file, loaded as `run` does)", ModelOnlySection.FEATUREX_FP32,
                    batch, cells, r.matmulFp32(), py.present() ? "best Python variant (" + py.variant() + "), batch " + batch : "",
                    ratio, py.present() ? FP32_VS_PYTHON : null, true);
        }
        if (r.bf16Unsupported().isPresent()) {
            table.add("model-only featurex bf16", "", "not supported yet", "", "", "", "", BF16_VS_FP32.toString(), "n/a",
                    r.bf16Unsupported().get());
        } else {
            boolean accurate = r.bf16MinCosine() >= BF16_MIN_COSINE;
            for (int batch : ctx.batchSizes()) {
                double ratio = cells.best(ModelOnlySection.FEATUREX_BF16, batch).imagesPerSecond()
                        / cells.best(ModelOnlySection.FEATUREX_FP32, batch).imagesPerSecond();
                String label = String.format(Locale.ROOT, "model-only featurex bf16 (bf16 TorchScript, min cos vs fp32 %s)",
                        Format.cosine(r.bf16MinCosine()));
                modelRow(label, ModelOnlySection.FEATUREX_BF16, batch, cells, r.matmulFp32(),
                        "featurex fp32, batch " + batch, ratio, BF16_VS_FP32, accurate);
            }
            notes.add(String.format(Locale.ROOT, "bf16: the same seeded weights exported by bench/tools/export_seeded_vgg16.py "
                    + "--precision bf16 (weights and activations bfloat16, casts to and from float32 inside the graph), loaded "
                    + "by featurex's ModelLoader like the fp32 file; min cosine vs fp32 over the sample images %s (needs >= %.3f).",
                    Format.cosine(r.bf16MinCosine()), BF16_MIN_COSINE));
        }
        graphRows(r);
        for (String variant : PythonModelOnly.VARIANTS) {
            String row = ModelOnlySection.PYTHON_PREFIX + variant;
            if (!cells.rowNames().contains(row)) {
                continue;
            }
            for (int batch : ctx.batchSizes()) {
                modelRow("model-only Python torch (Debian), " + (variant.equals("default") ? "NCHW as loaded (ordinary)" : "channels_last"),
                        row, batch, cells, r.matmulFp32(), "", Double.NaN, null, true);
            }
        }
        table.add("matmul " + ctx.matmulSize() + "x" + ctx.matmulSize() + " fp32, libtorch via DJL NDArray.matMul", "", "",
                Format.gflops(r.matmulFp32()), "", "", "", "", "", "best of one 1 s probe per round; the ceiling for the model's fp32 GFLOP/s");
        notes.add(String.format(Locale.ROOT, "model-only: each cell is the best of %d interleaved rounds (featurex fp32, bf16, "
                + "own graph fp32 and bf16, Python per batch size, in turn; then up to %d retry pass(es) of the cells whose best try saw other processes "
                + "take more than %.2f cores), each try one warm-up batch then batches for >= %.1f s; 'detail' gives the range "
                + "over tries. GFLOP/s = images/s x %.2f GFLOP (VGG16 notop, 224x224). Peak RSS is the measuring process's "
                + "VmHWM during the cell (the bench JVM holds all four featurex models; Python its own process).",
                ctx.rounds(), ctx.retries(), ctx.maxOthers(), ctx.minSeconds(), ctx.gflopPerImage()));
        notes.add(loadNote("model-only cells", r.cells().all().stream().mapToDouble(Measurement::foreignCores).toArray()));
    }

    private void modelRow(String label, String row, int batch, Cells cells, double matmul, String compared, double ratio,
            Target target, boolean applicable) {
        Measurement m = cells.best(row, batch);
        double rate = m.imagesPerSecond();
        double gflops = Flops.achieved(rate, ctx.gflopPerImage());
        double[] range = cells.range(row, batch);
        String detail = String.format(Locale.ROOT, "rounds %s-%s; %s of matmul; others %s cores", Format.rate(range[0]),
                Format.rate(range[1]), Format.percent(gflops / matmul), Format.cores(m.foreignCores()));
        String verdict = target == null ? "" : !applicable ? "n/a: cos < " + BF16_MIN_COSINE : target.verdict(ratio);
        table.add(label, Integer.toString(batch), Format.rate(rate), Format.gflops(gflops), Format.gib(m.peakRssBytes()),
                compared, target == null && Double.isNaN(ratio) ? "" : Format.ratio(ratio, target),
                target == null ? "" : target.toString(), verdict, detail);
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
            if (m.present() && (!best.present() || m.imagesPerSecond() > best.m().imagesPerSecond())) {
                best = new BestPython(variant, m);
            }
        }
        return best;
    }

    private void endToEndRows(EndToEndSection.Result r, Optional<ModelOnlySection.Result> model) {
        for (RunResult run : r.runs()) {
            double rate = run.steadyRate();
            String compared = "";
            double ratio = Double.NaN;
            Target target = null;
            String batch = run.label().equals(EndToEndSection.NAIVE) ? "1" : "<=" + ctx.batchMaxSize();
            StringBuilder detail = new StringBuilder();
            if (run.label().equals(EndToEndSection.FEATUREX)) {
                int base = nearest(ctx.batchSizes(), ctx.batchMaxSize());
                double aloneSeconds = Double.NaN;
                if (model.isPresent() && base > 0) {
                    compared = "model-only featurex fp32, batch " + base;
                    double alone = model.get().cells().best(ModelOnlySection.FEATUREX_FP32, base).imagesPerSecond();
                    ratio = rate / alone;
                    target = E2E_VS_MODEL;
                    aloneSeconds = 1 / alone;
                }
                batch += stageNote(run, aloneSeconds);
            } else if (run.label().equals(EndToEndSection.FEATUREX_REDUCED)) {
                batch += stageNote(run, Double.NaN);
                // Against the batched peer, as the exact run's target reads, so both ratios sit in the same table.
                Optional<RunResult> peer = find(r.runs(), EndToEndSection.PYTHON, run.set());
                if (peer.isPresent()) {
                    compared = "this / Python batched e2e on " + run.set();
                    ratio = rate / peer.get().steadyRate();
                    if (ctx.setDescriptions().getOrDefault(run.set(), "").contains("large")) {
                        target = E2E_VS_PYTHON;
                    }
                }
                find(r.runs(), EndToEndSection.FEATUREX, run.set()).ifPresent(exact -> notes.add(String.format(Locale.ROOT,
                        "featurex-reduced (--decode-jpeg-reduce true: large JPEGs decoded at a reduced scale, not PIL-exact) on %s: "
                                + "min cosine against the exact featurex's vectors for the same %d images %s.",
                        run.set(), common(exact, run), Format.cosine(minCosine(exact, run)))));
            } else {
                Optional<RunResult> ours = find(r.runs(), EndToEndSection.FEATUREX, run.set());
                if (ours.isPresent()) {
                    compared = "featurex e2e on " + run.set() + " / this";
                    ratio = ours.get().steadyRate() / rate;
                    if (run.label().equals(EndToEndSection.PYTHON) && ctx.setDescriptions().getOrDefault(run.set(), "").contains("large")) {
                        target = E2E_VS_PYTHON;
                    }
                    if (run.label().equals(EndToEndSection.PYTHON) && !sameWorkNoted) {
                        sameWorkNoted = true;
                        notes.add(String.format(Locale.ROOT, "same work check: the feature vectors featurex and the Python batched "
                                + "worker published for the same %d images (by URI, over all waves): min cosine %s.",
                                common(ours.get(), run), Format.cosine(minCosine(ours.get(), run))));
                    }
                }
            }
            if (run.complete()) {
                detail.append("from 1st produce ").append(Format.rate(run.timeline().fromProduceRate())).append("/s; cores: worker ")
                        .append(Format.cores(run.cpu().worker())).append(", broker ").append(Format.cores(run.cpu().broker()))
                        .append(", bench ").append(Format.cores(run.cpu().bench())).append(", others ")
                        .append(Format.cores(run.foreignCores()));
                if (run.deadLetters() > 0) {
                    detail.append("; ").append(run.deadLetters()).append(" dead letters");
                }
            } else {
                detail.append("FAILED: ").append(run.failure().orElse("incomplete"));
            }
            table.add(label(run), batch, run.complete() ? Format.rate(rate) : "FAILED",
                    Format.gflops(Flops.achieved(rate, ctx.gflopPerImage())), Format.gib(run.peakRssBytes()), compared,
                    Format.ratio(ratio, target), target == null ? "" : target.toString(),
                    target == null ? "" : target.verdict(ratio), detail.toString());
        }
        r.backlog().ifPresent(b -> {
            double gib = Format.toGib(b.peakRssBytes());
            table.add(String.format(Locale.ROOT, "e2e featurex `run`, %,d refs already waiting (%s, %s), first %d outputs",
                            ctx.backlog(), b.set(), ctx.backlogLatencyMs() < 0 ? "file:"
                                    : "http: answered after " + ctx.backlogLatencyMs() + " ms", b.expected()),
                    "<=" + ctx.batchMaxSize(), b.complete() ? Format.rate(b.steadyRate()) : "FAILED",
                    Format.gflops(Flops.achieved(b.steadyRate(), ctx.gflopPerImage())), Format.gib(b.peakRssBytes()),
                    "worker peak RSS (VmHWM)", Format.gib(b.peakRssBytes()), BACKLOG_RSS.toString(), BACKLOG_RSS.verdict(gib),
                    b.complete() ? "" : "FAILED: " + b.failure().orElse("incomplete"));
            b.session().flatMap(WorkerSession.Summary::metrics).ifPresent(m -> notes.add(String.format(Locale.ROOT,
                    "backlog run: consumer lag at the end %.0f records, images in flight %.0f (pipeline.max-in-flight bounds "
                            + "what is read ahead); %s; %s.",
                    m.get("featurex_consumer_lag_sum_records"), m.get("featurex_images_in_flight"),
                    StageBreakdown.from(m).describe(b.timeline().fromProduceSeconds(), Double.NaN), heap(m))));
        });
        notes.add(String.format(Locale.ROOT, "end-to-end: a broker in its own process; each worker runs as its own process on its "
                + "own topics (%d partitions), started once and joined to its group before anything is produced; then waves: a "
                + "wave produces the refs and reads all their outputs back (read_committed); images/s counts the outputs after "
                + "the first batch, from first to last output (record timestamps); 'from 1st produce' includes filling the "
                + "pipeline. "
                + "featurex: `run` in its own JVM, exactly-once, --batch-max-size %d --batch-max-delay-ms %d "
                + "--pipeline-decode-threads %d; featurex-reduced: the same plus --decode-jpeg-reduce true, its ratio this / the "
                + "batched Python worker. Python peers: Debian torch with torch.set_num_threads(%d) and the bench's "
                + "LD_PRELOAD allocator, at-least-once (no transactions). Each row is the fastest of its waves (rounds, then retries "
                + "of rows whose fastest wave saw other processes take more than the --max-others share); peak RSS is the "
                + "worker process's VmHWM over all its waves.",
                WorkerSession.PARTITIONS, ctx.batchMaxSize(), ctx.batchMaxDelayMs(), ctx.decodeThreads(), ctx.threads()));
        ctx.setDescriptions().forEach((name, description) -> notes.add("image set " + name + ": " + description + "."));
        notes.add(loadNote("end-to-end runs", r.runs().stream().mapToDouble(RunResult::foreignCores).toArray()));
    }

    /** A featurex run's stages from its /metrics as a note; returns its mean batch for the batch column. */
    private String stageNote(RunResult run, double perImageAlone) {
        run.stages().ifPresent(s -> notes.add(String.format(Locale.ROOT,
                "%s on %s (the row's wave), from its /metrics: %s; %s.", run.label(), run.set(),
                s.describe(run.timeline().fromProduceSeconds(), perImageAlone), run.metrics().map(BenchReport::heap).orElse(""))));
        Optional<StageBreakdown> stages = run.stages();
        return stages.isPresent() && Double.isFinite(stages.get().meanBatch())
                ? String.format(Locale.ROOT, " (mean %.1f)", stages.get().meanBatch())
                : "";
    }

    /** The worker JVM's heap at the end of a run (the JVM metrics every worker exports). */
    private static String heap(PrometheusText m) {
        double committed = m.get("jvm_memory_committed_bytes", "area", "heap");
        double used = m.get("jvm_memory_used_bytes", "area", "heap");
        double max = m.get("jvm_memory_max_bytes", "area", "heap");
        if (Double.isNaN(committed)) {
            return "JVM heap not reported";
        }
        return String.format(Locale.ROOT, "JVM heap at the end: %s committed, %s used, max %s",
                Format.gib((long) committed), Format.gib((long) used), Format.gib((long) max));
    }

    private String label(RunResult run) {
        return switch (run.label()) {
            case EndToEndSection.FEATUREX -> "e2e featurex `run`, " + run.set();
            case EndToEndSection.FEATUREX_REDUCED -> "e2e featurex `run` --decode-jpeg-reduce true (not PIL-exact), " + run.set();
            case EndToEndSection.PYTHON -> "e2e Python batched worker, " + run.set();
            case EndToEndSection.NAIVE -> "e2e Python naive worker (1 image/forward), " + run.set();
            default -> "e2e " + run.label() + ", " + run.set();
        };
    }

    private static Map<String, float[]> vectors(RunResult run) {
        return run.session().map(WorkerSession.Summary::vectors).orElse(Map.of());
    }

    private static Optional<RunResult> find(List<RunResult> runs, String label, String set) {
        return runs.stream().filter(x -> x.label().equals(label) && x.set().equals(set) && x.complete()).findFirst();
    }

    private static int common(RunResult a, RunResult b) {
        return (int) vectors(a).keySet().stream().filter(vectors(b)::containsKey).count();
    }

    private static double minCosine(RunResult a, RunResult b) {
        double min = Double.NaN;
        for (var e : vectors(a).entrySet()) {
            float[] other = vectors(b).get(e.getKey());
            if (other != null) {
                double c = Vectors.cosine(e.getValue(), other);
                min = Double.isNaN(min) ? c : Math.min(min, c);
            }
        }
        return min;
    }

    static int nearest(List<Integer> sizes, int wanted) {
        int best = -1;
        for (int s : sizes) {
            if (best < 0 || Math.abs(s - wanted) < Math.abs(best - wanted)) {
                best = s;
            }
        }
        return best;
    }

    private static String loadNote(String when, double[] cores) {
        double max = Double.NaN;
        double sum = 0;
        int n = 0;
        for (double c : cores) {
            if (Double.isFinite(c)) {
                max = Double.isNaN(max) ? c : Math.max(max, c);
                sum += c;
                n++;
            }
        }
        if (n == 0) {
            return "CPU taken by other processes during " + when + ": unknown (no /proc).";
        }
        return String.format(Locale.ROOT, "CPU taken by other processes during %s ('others' in detail; /proc/stat busy time "
                + "minus the bench's own processes): mean %s, max %s of %d cores, over every try. The machine is shared; a "
                + "figure measured while others ran is low by about that share.", when, Format.cores(sum / n), Format.cores(max),
                Runtime.getRuntime().availableProcessors());
    }
}
