package io.featurex.bench;

import io.featurex.worker.infer.Vectors;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The end-to-end rows of the bench table: each worker through the broker, against model-only and each other. */
final class EndToEndRows {

    static final Target E2E_VS_MODEL = Target.atLeast(0.95);
    static final Target E2E_INT8_VS_MODEL = Target.atLeast(0.9);
    static final Target E2E_VS_PYTHON = Target.atLeast(1.15);
    static final Target BACKLOG_RSS = Target.belowGiB(1.5);

    private final BenchReport.Context ctx;
    private final BenchTable table;
    private final List<String> notes;
    private boolean sameWorkNoted;

    EndToEndRows(BenchReport.Context ctx, BenchTable table, List<String> notes) {
        this.ctx = ctx;
        this.table = table;
        this.notes = notes;
    }

    /** A row per worker and image set, the backlog row, and their notes. */
    void add(EndToEndSection.Result r, Optional<ModelOnlySection.Result> model) {
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
                    double alone = model.get()
                            .cells()
                            .best(ModelOnlySection.FEATUREX_FP32, base)
                            .imagesPerSecond();
                    ratio = rate / alone;
                    target = E2E_VS_MODEL;
                    aloneSeconds = 1 / alone;
                }
                batch += stageNote(run, aloneSeconds);
            } else if (run.label().equals(EndToEndSection.FEATUREX_INT8)) {
                int base = nearest(ctx.batchSizes(), ctx.batchMaxSize());
                double aloneSeconds = Double.NaN;
                if (model.isPresent()
                        && base > 0
                        && model.get().cells().rowNames().contains(ModelOnlySection.FEATUREX_INT8)) {
                    compared = "model-only featurex int8, batch " + base;
                    double alone = model.get()
                            .cells()
                            .best(ModelOnlySection.FEATUREX_INT8, base)
                            .imagesPerSecond();
                    ratio = rate / alone;
                    target = E2E_INT8_VS_MODEL;
                    aloneSeconds = 1 / alone;
                }
                batch += stageNote(run, aloneSeconds);
                find(r.runs(), EndToEndSection.FEATUREX, run.set())
                        .ifPresent(exact -> notes.add(String.format(
                                Locale.ROOT,
                                "featurex-int8 (model.precision=int8) on %s: min cosine against featurex fp32's vectors for the same "
                                        + "%d images %s; int8 e2e / fp32 e2e %s.",
                                run.set(),
                                common(exact, run),
                                Format.cosine(minCosine(exact, run)),
                                Format.ratio(rate / exact.steadyRate()))));
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
                find(r.runs(), EndToEndSection.FEATUREX, run.set())
                        .ifPresent(exact -> notes.add(String.format(
                                Locale.ROOT,
                                "featurex-reduced (--decode-jpeg-reduce true: large JPEGs decoded at a reduced scale, not PIL-exact) on %s: "
                                        + "min cosine against the exact featurex's vectors for the same %d images %s.",
                                run.set(),
                                common(exact, run),
                                Format.cosine(minCosine(exact, run)))));
            } else {
                Optional<RunResult> ours = find(r.runs(), EndToEndSection.FEATUREX, run.set());
                if (ours.isPresent()) {
                    compared = "featurex e2e on " + run.set() + " / this";
                    ratio = ours.get().steadyRate() / rate;
                    if (run.label().equals(EndToEndSection.PYTHON)
                            && ctx.setDescriptions().getOrDefault(run.set(), "").contains("large")) {
                        target = E2E_VS_PYTHON;
                    }
                    if (run.label().equals(EndToEndSection.PYTHON) && !sameWorkNoted) {
                        sameWorkNoted = true;
                        notes.add(String.format(
                                Locale.ROOT,
                                "same work check: the feature vectors featurex and the Python batched "
                                        + "worker published for the same %d images (by URI, over all waves): min cosine %s.",
                                common(ours.get(), run),
                                Format.cosine(minCosine(ours.get(), run))));
                    }
                }
            }
            if (run.complete()) {
                detail.append("from 1st produce ")
                        .append(Format.rate(run.timeline().fromProduceRate()))
                        .append("/s; cores: worker ")
                        .append(Format.cores(run.cpu().worker()))
                        .append(", broker ")
                        .append(Format.cores(run.cpu().broker()))
                        .append(", bench ")
                        .append(Format.cores(run.cpu().bench()))
                        .append(", others ")
                        .append(Format.cores(run.foreignCores()));
                if (run.deadLetters() > 0) {
                    detail.append("; ").append(run.deadLetters()).append(" dead letters");
                }
            } else {
                detail.append("FAILED: ").append(run.failure().orElse("incomplete"));
            }
            table.add(
                    label(run),
                    batch,
                    run.complete() ? Format.rate(rate) : "FAILED",
                    Format.gflops(Flops.achieved(rate, ctx.gflopPerImage())),
                    Format.gib(run.peakRssBytes()),
                    compared,
                    Format.ratio(ratio, target),
                    target == null ? "" : target.toString(),
                    target == null ? "" : target.verdict(ratio),
                    detail.toString());
        }
        r.backlog().ifPresent(b -> {
            double gib = Format.toGib(b.peakRssBytes());
            table.add(
                    String.format(
                            Locale.ROOT,
                            "e2e featurex `run`, %,d refs already waiting (%s, %s), first %d outputs",
                            ctx.backlog(),
                            b.set(),
                            ctx.backlogLatencyMs() < 0
                                    ? "file:"
                                    : "http: answered after " + ctx.backlogLatencyMs() + " ms",
                            b.expected()),
                    "<=" + ctx.batchMaxSize(),
                    b.complete() ? Format.rate(b.steadyRate()) : "FAILED",
                    Format.gflops(Flops.achieved(b.steadyRate(), ctx.gflopPerImage())),
                    Format.gib(b.peakRssBytes()),
                    "worker peak RSS (VmHWM)",
                    Format.gib(b.peakRssBytes()),
                    BACKLOG_RSS.toString(),
                    BACKLOG_RSS.verdict(gib),
                    b.complete() ? "" : "FAILED: " + b.failure().orElse("incomplete"));
            b.session()
                    .flatMap(WorkerSession.Summary::metrics)
                    .ifPresent(m -> notes.add(String.format(
                            Locale.ROOT,
                            "backlog run: consumer lag at the end %.0f records, images in flight %.0f (pipeline.max-in-flight bounds "
                                    + "what is read ahead); %s; %s.",
                            m.get("featurex_consumer_lag_sum_records"),
                            m.get("featurex_images_in_flight"),
                            StageBreakdown.from(m).describe(b.timeline().fromProduceSeconds(), Double.NaN),
                            heap(m))));
        });
        notes.add(String.format(
                Locale.ROOT,
                "end-to-end: a broker in its own process; each worker runs as its own process on its "
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
                WorkerSession.PARTITIONS,
                ctx.batchMaxSize(),
                ctx.batchMaxDelayMs(),
                ctx.decodeThreads(),
                ctx.threads()));
        ctx.setDescriptions().forEach((name, description) -> notes.add("image set " + name + ": " + description + "."));
        notes.add(BenchReport.loadNote(
                "end-to-end runs",
                r.runs().stream().mapToDouble(RunResult::foreignCores).toArray()));
    }

    /** A featurex run's stages from its /metrics as a note; returns its mean batch for the batch column. */
    private String stageNote(RunResult run, double perImageAlone) {
        run.stages()
                .ifPresent(s -> notes.add(String.format(
                        Locale.ROOT,
                        "%s on %s (the row's wave), from its /metrics: %s; %s.",
                        run.label(),
                        run.set(),
                        s.describe(run.timeline().fromProduceSeconds(), perImageAlone),
                        run.metrics().map(EndToEndRows::heap).orElse(""))));
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
        return String.format(
                Locale.ROOT,
                "JVM heap at the end: %s committed, %s used, max %s",
                Format.gib((long) committed),
                Format.gib((long) used),
                Format.gib((long) max));
    }

    private String label(RunResult run) {
        return switch (run.label()) {
            case EndToEndSection.FEATUREX -> "e2e featurex `run`, " + run.set();
            case EndToEndSection.FEATUREX_REDUCED ->
                "e2e featurex `run` --decode-jpeg-reduce true (not PIL-exact), " + run.set();
            case EndToEndSection.FEATUREX_INT8 -> "e2e featurex `run` --model-precision int8, " + run.set();
            case EndToEndSection.PYTHON -> "e2e Python batched worker, " + run.set();
            case EndToEndSection.NAIVE -> "e2e Python naive worker (1 image/forward), " + run.set();
            default -> "e2e " + run.label() + ", " + run.set();
        };
    }

    private static Map<String, float[]> vectors(RunResult run) {
        return run.session().map(WorkerSession.Summary::vectors).orElse(Map.of());
    }

    private static Optional<RunResult> find(List<RunResult> runs, String label, String set) {
        return runs.stream()
                .filter(x -> x.label().equals(label) && x.set().equals(set) && x.complete())
                .findFirst();
    }

    private static int common(RunResult a, RunResult b) {
        return (int)
                vectors(a).keySet().stream().filter(vectors(b)::containsKey).count();
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
}
