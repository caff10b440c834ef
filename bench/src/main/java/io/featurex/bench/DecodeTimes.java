package io.featurex.bench;

import io.featurex.worker.BadInputException;
import io.featurex.worker.decode.DecodeSpec;
import io.featurex.worker.decode.ImageDecoder;
import io.featurex.worker.decode.JpegBackend;
import io.featurex.worker.decode.Preprocessing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Decode + resize time per image, featurex's decoders against Pillow 9.4 on the same files in the
 * same run, one thread each: libjpeg-turbo and ImageIO exact, and both reduced
 * ({@code decode.jpeg-reduce}), from the bytes in memory to the pixels of torchvision's network
 * input (Resize(256) + CenterCrop(224); the float conversion after it is left out on both sides);
 * Pillow's through {@code bench/peers/pillow_decode.py}, run as a child process after featurex's
 * runs. Timings on a shared machine move from run to run: compare the ratios of one run.
 *
 * <p>By hand, from the repository root after {@code mvn -B -o -q -DskipTests package}:
 * <pre>
 * java -cp 'devkit/target/featurex-devkit.jar:devkit/target/lib/*' io.featurex.bench.DecodeTimes \
 *     [--runs 5] [--warmups 1] [--python /usr/bin/python3] [--cpu N] FILE...
 * </pre>
 */
public final class DecodeTimes {

    /** The decoders timed, by name; those whose library is missing here are left out. */
    static final List<String> DECODERS = List.of("turbo", "imageio", "turbo-reduced", "imageio-reduced");

    static final String PILLOW = "pillow";

    private DecodeTimes() {}

    /**
     * One decoder over the files.
     *
     * @param meanMs       mean over the files of each file's mean time: the average image of the set
     * @param medianMs     median over the files of each file's median time
     * @param timesPillow  Pillow's mean divided by this one's: 1.0 is as fast as Pillow, 2.0 twice
     *                     as fast; NaN without Pillow's times
     * @param perFileMeanMs each file's mean, in the order given
     */
    public record Row(String decoder, double meanMs, double medianMs, double timesPillow, double[] perFileMeanMs) {}

    /** What the Python peer measured for one file. */
    record PeerFile(String file, int width, int height, double meanMs, double medianMs) {}

    /**
     * Times every available decoder, then Pillow, on {@code files}.
     *
     * @param python  the interpreter with Debian's python3-pil; null skips Pillow (ratios NaN)
     * @param peer    bench/peers/pillow_decode.py
     * @param cpu     pins the Python peer to this core; negative leaves it free
     * @return the featurex decoders' rows, then Pillow's
     */
    public static List<Row> measure(
            List<Path> files, int warmups, int runs, String python, Path peer, int cpu, Path log) throws IOException {
        if (files.isEmpty() || runs < 1 || warmups < 0) {
            throw new IllegalArgumentException("need files, runs >= 1 and warmups >= 0");
        }
        List<byte[]> bytes = new ArrayList<>();
        for (Path f : files) {
            bytes.add(Files.readAllBytes(f));
        }
        Map<String, ImageDecoder> decoders = decoders();
        Map<String, double[][]> ms = new LinkedHashMap<>();
        decoders.keySet().forEach(name -> ms.put(name, new double[files.size()][runs]));
        for (int w = 0; w < warmups; w++) {
            for (byte[] image : bytes) {
                for (ImageDecoder decoder : decoders.values()) {
                    decode(decoder, image);
                }
            }
        }
        // Interleaved, so that a slow spell of the machine falls on every decoder alike.
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < bytes.size(); i++) {
                for (Map.Entry<String, ImageDecoder> d : decoders.entrySet()) {
                    long start = System.nanoTime();
                    decode(d.getValue(), bytes.get(i));
                    ms.get(d.getKey())[i][r] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        List<PeerFile> pillow = python == null ? null : runPeer(command(python, peer, warmups, runs, cpu, files), log);
        double pillowMean = pillow == null
                ? Double.NaN
                : mean(pillow.stream().mapToDouble(PeerFile::meanMs).toArray());
        List<Row> rows = new ArrayList<>();
        ms.forEach((name, times) -> rows.add(row(name, times, pillowMean)));
        if (pillow != null) {
            double[] perFile = pillow.stream().mapToDouble(PeerFile::meanMs).toArray();
            rows.add(new Row(
                    PILLOW,
                    pillowMean,
                    median(pillow.stream().mapToDouble(PeerFile::medianMs).toArray()),
                    1.0,
                    perFile));
        }
        return rows;
    }

    /** The decoders whose libraries load here, by name, each as the worker would build it for torch-mode weights. */
    static Map<String, ImageDecoder> decoders() {
        Map<String, ImageDecoder> out = new LinkedHashMap<>();
        for (String name : DECODERS) {
            JpegBackend backend = name.startsWith("turbo") ? JpegBackend.TURBO : JpegBackend.IMAGEIO;
            if (backend == JpegBackend.TURBO && DecodeSpec.turboMissing() != null) {
                continue;
            }
            DecodeSpec spec = DecodeSpec.defaults(Long.MAX_VALUE)
                    .withJpegDecoder(backend)
                    .withJpegReduce(name.endsWith("-reduced"));
            out.put(name, spec.decoderFor(Preprocessing.TORCH, 224));
        }
        return out;
    }

    private static void decode(ImageDecoder decoder, byte[] image) {
        try {
            decoder.resized(image);
        } catch (BadInputException e) {
            throw new IllegalArgumentException("not a decodable image: " + e.getMessage(), e);
        }
    }

    /** @param times per file, per run, in ms */
    static Row row(String decoder, double[][] times, double pillowMeanMs) {
        double[] means = new double[times.length];
        double[] medians = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            means[i] = mean(times[i]);
            medians[i] = median(times[i]);
        }
        double mean = mean(means);
        return new Row(decoder, mean, median(medians), pillowMeanMs / mean, means);
    }

    static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static List<String> command(String python, Path peer, int warmups, int runs, int cpu, List<Path> files) {
        List<String> command = new ArrayList<>(List.of(
                python, peer.toString(), "--warmups", Integer.toString(warmups), "--runs", Integer.toString(runs)));
        if (cpu >= 0) {
            command.addAll(List.of("--cpu", Integer.toString(cpu)));
        }
        files.forEach(f -> command.add(f.toString()));
        return command;
    }

    private static List<PeerFile> runPeer(List<String> command, Path log) throws IOException {
        Process process = Children.register(new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start());
        List<String> lines = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("pillow_decode.py failed (exit "
                        + (process.isAlive() ? "none" : process.exitValue()) + ", see " + log + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for pillow_decode.py", e);
        } finally {
            Children.stop(process, Duration.ofSeconds(5));
        }
        return parsePeer(lines);
    }

    /**
     * The peer's lines: one per file, then {"done": true, "files": n}.
     *
     * @throws IOException when the summary is missing or counts other files than were measured
     */
    static List<PeerFile> parsePeer(List<String> lines) throws IOException {
        List<PeerFile> files = new ArrayList<>();
        boolean done = false;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> json = FlatJson.parse(line);
            if (Boolean.TRUE.equals(json.get("done"))) {
                if ((int) FlatJson.number(json, "files") != files.size()) {
                    throw new IOException(
                            "pillow_decode.py measured " + files.size() + " files but says " + json.get("files"));
                }
                done = true;
            } else {
                files.add(new PeerFile(
                        (String) json.get("file"),
                        (int) FlatJson.number(json, "width"),
                        (int) FlatJson.number(json, "height"),
                        FlatJson.number(json, "mean_ms"),
                        FlatJson.number(json, "median_ms")));
            }
        }
        if (!done) {
            throw new IOException(
                    "pillow_decode.py ended without its summary line (" + files.size() + " files measured)");
        }
        return files;
    }

    public static void main(String[] args) throws IOException {
        int runs = 5;
        int warmups = 1;
        int cpu = -1;
        String python = "/usr/bin/python3";
        Path peer = Path.of("bench/peers/pillow_decode.py");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmups" -> warmups = Integer.parseInt(args[++i]);
                case "--cpu" -> cpu = Integer.parseInt(args[++i]);
                case "--python" -> python = args[++i];
                case "--no-python" -> python = null;
                case "--peer" -> peer = Path.of(args[++i]);
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            System.err.println(
                    "usage: DecodeTimes [--runs N] [--warmups N] [--cpu N] [--python EXE | --no-python] [--peer pillow_decode.py] FILE...");
            System.exit(2);
        }
        Path log = Files.createTempFile("featurex-pillow-decode", ".log");
        List<Row> rows = measure(files, warmups, runs, python, peer, cpu, log);
        System.out.printf(
                Locale.ROOT,
                "decode + Resize(256) + CenterCrop(224), one thread, %d files, %d runs after %d warm-ups%n",
                files.size(),
                runs,
                warmups);
        System.out.printf(Locale.ROOT, "%-16s %10s %10s %9s%n", "decoder", "mean ms", "median ms", "x Pillow");
        for (Row r : rows) {
            System.out.printf(
                    Locale.ROOT, "%-16s %10.1f %10.1f %9.2f%n", r.decoder(), r.meanMs(), r.medianMs(), r.timesPillow());
        }
        for (int i = 0; i < files.size(); i++) {
            StringBuilder line = new StringBuilder(
                    String.format(Locale.ROOT, "  %-40s", files.get(i).getFileName()));
            for (Row r : rows) {
                line.append(String.format(Locale.ROOT, " %s %.1f", r.decoder(), r.perFileMeanMs()[i]));
            }
            System.out.println(line);
        }
    }
}
