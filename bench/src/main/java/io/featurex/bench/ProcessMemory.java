package io.featurex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident memory of a process from {@code /proc/PID/status} (Linux): VmHWM, the peak since
 * start or since the last {@link #resetOwnPeak()}. -1 where unknown.
 */
final class ProcessMemory {

    private ProcessMemory() {}

    static long peakBytes(long pid) {
        return bytes(statusKib(pid, "VmHWM:"));
    }

    static long ownPid() {
        return ProcessHandle.current().pid();
    }

    /**
     * Sets this process's VmHWM back to its current RSS (writing 5 to clear_refs, Linux 4.0+),
     * so the next reading is the peak of what follows. False where the kernel refuses.
     */
    static boolean resetOwnPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long bytes(long kib) {
        return kib < 0 ? -1 : kib * 1024;
    }

    private static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }
}
