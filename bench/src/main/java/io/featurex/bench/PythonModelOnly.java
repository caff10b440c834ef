package io.featurex.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Debian's torch measuring the same model on the same images, in its own process
 * ({@code bench/peers/model_only.py}) kept alive for the whole run, so that its measurements
 * interleave with featurex's: one request per cell over stdin, one JSON line back.
 */
final class PythonModelOnly implements AutoCloseable {

    static final List<String> VARIANTS = List.of("default", "channels_last");

    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    private PythonModelOnly(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    static PythonModelOnly start(String python, Path script, Path weights, int threads, List<Path> images, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                python, script.toString(), "--weights", weights.toString(), "--threads", Integer.toString(threads)));
        images.forEach(p -> command.add(p.toString()));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Children.register(process);
        PythonModelOnly peer = new PythonModelOnly(process);
        String ready = peer.out.readLine();
        if (ready == null || !ready.contains("\"ready\"")) {
            peer.close();
            throw new IOException("model_only.py did not start (see " + log + ")");
        }
        return peer;
    }

    Measurement measure(String variant, int batch, double minSeconds, int minBatches) throws IOException {
        in.write(String.format(
                Locale.ROOT,
                "{\"batch\": %d, \"variant\": \"%s\", \"min_seconds\": %.3f, \"min_batches\": %d}%n",
                batch,
                variant,
                minSeconds,
                minBatches));
        in.flush();
        HostLoad.Snapshot load = HostLoad.now();
        String line = out.readLine();
        double foreign = HostLoad.foreignCores(load, HostLoad.now());
        if (line == null) {
            throw new IOException("model_only.py exited");
        }
        Map<String, Object> json = FlatJson.parse(line);
        return new Measurement(
                (long) FlatJson.number(json, "images"),
                FlatJson.number(json, "seconds"),
                (long) FlatJson.number(json, "peak_rss_bytes"),
                foreign);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // already gone
        }
        Children.stop(process, Duration.ofSeconds(10));
    }
}
