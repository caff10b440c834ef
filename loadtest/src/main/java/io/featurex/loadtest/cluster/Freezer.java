package io.featurex.loadtest.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cgroup freezer of one process's cgroup (a container's), written directly rather than through
 * {@code docker pause}: the CLI's round trip lands tens of milliseconds after the decision to
 * freeze, longer than the moments a fault run must catch. Version 1 (a {@code freezer}
 * hierarchy, {@code freezer.state}) and version 2 ({@code cgroup.freeze}) are both handled; which
 * one is read from {@code /proc/PID/cgroup} and the mount table.
 */
final class Freezer {

    private final Path dir;
    private final boolean v1;

    private Freezer(Path dir, boolean v1) {
        this.dir = dir;
        this.v1 = v1;
    }

    /** The freezer of the cgroup that holds {@code pid}, as this process (root, on the host) sees it. */
    static Freezer of(long pid) throws IOException {
        List<String> cgroups = Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"));
        List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        return locate(cgroups, mounts)
                .orElseThrow(() -> new IOException("no cgroup freezer found for pid " + pid
                        + " (neither a v1 freezer hierarchy nor a cgroup2 mount holding it)"));
    }

    /** Parsed from the lines of {@code /proc/PID/cgroup} and {@code /proc/self/mountinfo}. */
    static Optional<Freezer> locate(List<String> cgroupLines, List<String> mountinfoLines) {
        for (String line : cgroupLines) {
            // hierarchy-id:controllers:path; the path may itself hold colons.
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains("freezer")) {
                Optional<Path> root = mountPoint(mountinfoLines, "cgroup", "freezer");
                if (root.isPresent()) {
                    return Optional.of(new Freezer(under(root.get(), f[2]), true));
                }
            }
        }
        for (String line : cgroupLines) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && f[0].equals("0") && f[1].isEmpty()) {
                Optional<Path> root = mountPoint(mountinfoLines, "cgroup2", null);
                if (root.isPresent()) {
                    return Optional.of(new Freezer(under(root.get(), f[2]), false));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The mount point of a filesystem type; for v1 the one whose super options name the
     * controller. mountinfo: id parent major:minor root mount-point options [optional...] - type
     * source super-options.
     */
    private static Optional<Path> mountPoint(List<String> mountinfoLines, String type, String controller) {
        for (String line : mountinfoLines) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3 || !after[0].equals(type)) {
                continue;
            }
            if (controller == null || List.of(after[2].split(",")).contains(controller)) {
                return Optional.of(Path.of(before[4]));
            }
        }
        return Optional.empty();
    }

    private static Path under(Path root, String cgroupPath) {
        return root.resolve(cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath);
    }

    Path directory() {
        return dir;
    }

    /**
     * Freezes every task of the cgroup and waits until the kernel says all of them are frozen.
     * Version 1 can stay FREEZING while a task is in an uninterruptible wait or forking; as runc
     * does, it is asked again, and now and then thawed for a moment so that such a task moves on.
     *
     * @return false, thawed again, if it was not frozen within {@code timeout}
     */
    boolean freeze(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int attempt = 1; ; attempt++) {
            write(v1 ? "freezer.state" : "cgroup.freeze", v1 ? "FROZEN" : "1");
            if (frozen()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                thaw();
                return false;
            }
            if (v1 && attempt % 50 == 0) {
                thaw();
            }
            Thread.sleep(1);
        }
    }

    void thaw() throws IOException {
        write(v1 ? "freezer.state" : "cgroup.freeze", v1 ? "THAWED" : "0");
    }

    boolean frozen() throws IOException {
        if (v1) {
            // FREEZING until the last task stops.
            return read("freezer.state").strip().equals("FROZEN");
        }
        return read("cgroup.events").lines().anyMatch(l -> l.strip().equals("frozen 1"));
    }

    private void write(String file, String value) throws IOException {
        Files.writeString(dir.resolve(file), value, StandardCharsets.US_ASCII);
    }

    private String read(String file) throws IOException {
        return Files.readString(dir.resolve(file), StandardCharsets.US_ASCII);
    }
}
