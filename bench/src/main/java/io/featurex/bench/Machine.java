package io.featurex.bench;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the numbers were measured on, printed above the table. */
record Machine(
        int cores, String cpu, boolean bf16Instructions, String java, String libtorch, String djl, String allocator) {

    static Machine describe() {
        String cpu = "unknown CPU";
        boolean bf16 = false;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            cpu = lines.stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse(cpu);
            bf16 = lines.stream()
                    .filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> l.contains(" avx512_bf16") || l.contains(" amx_bf16"))
                    .orElse(false);
        } catch (IOException e) {
            // not Linux
        }
        Engine engine = Engine.getEngine("PyTorch");
        String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
        String allocator = preload.contains("tcmalloc")
                ? "tcmalloc (LD_PRELOAD " + preload + ")"
                : preload.contains("jemalloc")
                        ? "jemalloc (LD_PRELOAD)"
                        : "glibc malloc (libtcmalloc-minimal4 not installed)";
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                cpu,
                bf16,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                engine.getVersion(),
                Engine.getDjlVersion(),
                allocator);
    }

    String summary() {
        return String.format(
                Locale.ROOT,
                "%d cores, %s%s; %s; libtorch %s via DJL %s; %s",
                cores,
                cpu,
                bf16Instructions ? " (avx512_bf16)" : "",
                java,
                libtorch,
                djl,
                allocator);
    }
}
