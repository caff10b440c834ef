package io.featurex.loadtest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreezerTest {

    private static final List<String> HYBRID_MOUNTS = List.of(
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
            "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime shared:9 - cgroup cgroup rw,name=systemd",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");

    @Test
    void aV1FreezerHierarchyWinsWhereBothExist() {
        List<String> cgroup = List.of(
                "9:name=systemd:/docker/0a1b", "6:freezer:/docker/0a1b", "4:memory:/docker/0a1b", "0::/docker/0a1b");

        assertThat(Freezer.locate(cgroup, HYBRID_MOUNTS))
                .hasValueSatisfying(
                        f -> assertThat(f.directory()).isEqualTo(Path.of("/sys/fs/cgroup/freezer/docker/0a1b")));
    }

    @Test
    void aFreezerCoMountedWithOtherControllersIsFound() {
        List<String> mounts = List.of("25 20 0:22 / /sys/fs/cgroup/cpu,freezer rw - cgroup cgroup rw,cpu,freezer");
        List<String> cgroup = List.of("3:cpu,freezer:/docker/ff");

        assertThat(Freezer.locate(cgroup, mounts))
                .hasValueSatisfying(
                        f -> assertThat(f.directory()).isEqualTo(Path.of("/sys/fs/cgroup/cpu,freezer/docker/ff")));
    }

    @Test
    void aUnifiedHierarchyUsesTheCgroup2Mount() {
        List<String> mounts = List.of("30 25 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate");
        List<String> cgroup = List.of("0::/system.slice/docker-0a1b.scope");

        assertThat(Freezer.locate(cgroup, mounts))
                .hasValueSatisfying(f ->
                        assertThat(f.directory()).isEqualTo(Path.of("/sys/fs/cgroup/system.slice/docker-0a1b.scope")));
    }

    @Test
    void withoutAFreezerThereIsNone() {
        List<String> mounts = List.of("32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu");
        List<String> cgroup = List.of("1:cpu:/docker/0a1b");

        assertThat(Freezer.locate(cgroup, mounts)).isEmpty();
    }
}
