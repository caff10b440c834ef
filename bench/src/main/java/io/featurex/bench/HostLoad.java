package io.featurex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How much CPU other processes took while something was measured: the machine's busy time
 * ({@code /proc/stat}, steal included) minus the bench's own (this process, its live children,
 * and its reaped children), in cores. A shared machine makes benchmark numbers low; this says
 * by how much it was shared. Linux only; NaN elsewhere.
 */
final class HostLoad {

    /** A reading of the counters; {@code pidTicks} are those of the processes asked for, in order. */
    record Snapshot(long nanos, long busyTicks, long totalTicks, long ownTicks, long[] pidTicks) {}

    private HostLoad() {}

    /** @param pids processes whose own CPU time to read as well (see {@link #cores}) */
    static Snapshot now(long... pids) {
        long[] cpu = cpuTicks();
        long own = ticks(Path.of("/proc/self/stat"));
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            own += Math.max(0, ticks(Path.of("/proc", Long.toString(child.pid()), "stat")));
        }
        long[] pidTicks = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            pidTicks[i] = ticks(Path.of("/proc", Long.toString(pids[i]), "stat"));
        }
        return new Snapshot(System.nanoTime(), cpu[0], cpu[1], own, pidTicks);
    }

    /** Average cores the {@code index}-th process of the snapshots used between them. */
    static double cores(Snapshot from, Snapshot to, int index) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        long total = to.totalTicks() - from.totalTicks();
        long a = from.pidTicks()[index];
        long b = to.pidTicks()[index];
        if (seconds <= 0 || total <= 0 || a < 0 || b < 0) {
            return Double.NaN;
        }
        return (b - a) / (total / (seconds * Runtime.getRuntime().availableProcessors())) / seconds;
    }

    /** Average cores used by processes other than the bench's between two snapshots. */
    static double foreignCores(Snapshot from, Snapshot to) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        long total = to.totalTicks() - from.totalTicks();
        if (seconds <= 0 || total <= 0 || from.busyTicks() < 0 || from.ownTicks() < 0) {
            return Double.NaN;
        }
        // Ticks per second per core, from the counters themselves (no need to know CLK_TCK).
        double ticksPerCoreSecond = total / (seconds * Runtime.getRuntime().availableProcessors());
        long foreign = (to.busyTicks() - from.busyTicks()) - (to.ownTicks() - from.ownTicks());
        return Math.max(0, foreign / ticksPerCoreSecond / seconds);
    }

    /** busy (user+nice+system+irq+softirq+steal) and total jiffies of all CPUs. */
    private static long[] cpuTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            List<Long> v = new ArrayList<>();
            for (int i = 1; i < f.length; i++) {
                v.add(Long.parseLong(f[i]));
            }
            long busy = v.get(0) + v.get(1) + v.get(2) + v.get(5) + v.get(6) + (v.size() > 7 ? v.get(7) : 0);
            long total = busy + v.get(3) + v.get(4);
            return new long[] {busy, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** utime+stime+cutime+cstime of one process, or -1. */
    private static long ticks(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
