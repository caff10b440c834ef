package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JavaCommandTest {

    @Test
    void benchWorkersGetTheHeapCapUsersGet() throws Exception {
        // The launcher's `run` and the CPU image: the bench measures the worker as they start it.
        assertThat(Files.readString(Path.of("../featurex"))).contains("heap=(" + JavaCommand.RUN_HEAP + ")");
        assertThat(Files.readString(Path.of("../deploy/Dockerfile"))).contains(JavaCommand.RUN_HEAP + "\"");
        assertThat(JavaCommand.featurex("run", "--help")).contains(JavaCommand.RUN_HEAP);
        assertThat(JavaCommand.featurex("similar", "--help")).doesNotContain(JavaCommand.RUN_HEAP);
    }
}
