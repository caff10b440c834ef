package io.featurex.worker.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** What this CPU offers the narrow types: read once from Linux's {@code /proc/cpuinfo}. */
public final class CpuFeatures {

    private static final Set<String> FLAGS = read();

    private CpuFeatures() {}

    /** The CPU's feature flags; empty where unknown. */
    static Set<String> flags() {
        return FLAGS;
    }

    /**
     * Whether bf16 runs in hardware here (AVX-512 BF16 or AMX). Elsewhere libtorch emulates it,
     * correctly but many times slower than float32: a test making 30 vectors took 290 s on an AVX2
     * EPYC, against 13 s in float32.
     */
    public static boolean nativeBf16() {
        return FLAGS.contains("avx512_bf16") || FLAGS.contains("amx_bf16");
    }

    /**
     * Whether libtorch's int8 convolutions run on oneDNN's VNNI kernels here (AVX-512 VNNI or
     * AVX-VNNI); elsewhere they run on fbgemm's AVX2 kernels, which were less exact on one golden
     * image (cosine 0.984 against float32, where oneDNN gives 0.9996).
     */
    public static boolean vnni() {
        return vnni(FLAGS);
    }

    static boolean vnni(Set<String> flags) {
        return flags.contains("avx512_vnni") || flags.contains("avx_vnni");
    }

    private static Set<String> read() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> Arrays.stream(
                                    line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toUnmodifiableSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }
}
