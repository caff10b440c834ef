package io.featurex.similar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokenTest {

    @Test
    void noneGivenIsNoToken() {
        assertThat(BearerToken.from(null, Map.of())).isEmpty();
    }

    @Test
    void aFileAsASecretMountWritesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "abc123\n");
        BearerToken token = BearerToken.from(file, Map.of()).orElseThrow();
        assertThat(token.admits("Bearer abc123")).isTrue();
        assertThat(token.admits("Bearer abc1234")).isFalse();
        assertThat(token.admits(null)).isFalse();
        assertThat(token.toString()).doesNotContain("abc123");
    }

    @Test
    void problemsNameWhereTheTokenCameFromNeverWhatItIs(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> BearerToken.from(dir.resolve("none"), Map.of()))
                .hasMessage("--token-file " + dir.resolve("none") + ": no such file");
        assertThatThrownBy(() -> BearerToken.from(null, Map.of(BearerToken.ENV, " \n")))
                .hasMessage(BearerToken.ENV + ": the token is empty");
        assertThatThrownBy(() -> BearerToken.from(null, Map.of(BearerToken.ENV, "pass word")))
                .hasMessageContaining(BearerToken.ENV + ": the token has characters a bearer token cannot carry")
                .hasMessageNotContaining("pass word");
        Path file = dir.resolve("token");
        Files.writeString(file, "abc");
        assertThatThrownBy(() -> BearerToken.from(file, Map.of(BearerToken.ENV, "abc")))
                .hasMessageContaining("not both");
    }
}
