package io.featurex.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic and the peer protocol of {@link DecodeTimes}; the timing itself is by hand. */
class DecodeTimesTest {

    @Test
    void aRowAveragesEachFileThenTheSetAndComparesWithPillow() {
        double[][] ms = {{10, 12, 14}, {100, 90, 200}}; // two files, three runs each
        DecodeTimes.Row row = DecodeTimes.row("turbo", ms, 40.0);
        assertThat(row.perFileMeanMs()).containsExactly(12.0, 130.0);
        assertThat(row.meanMs()).isEqualTo(71.0);
        assertThat(row.medianMs())
                .as("median of the files' medians, 12 and 100")
                .isEqualTo(56.0);
        assertThat(row.timesPillow())
                .as("Pillow's 40 ms against 71: slower than Pillow")
                .isCloseTo(40.0 / 71.0, within(1e-12));
        assertThat(DecodeTimes.row("imageio", ms, Double.NaN).timesPillow()).isNaN();
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(DecodeTimes.median(new double[] {3, 1, 2})).isEqualTo(2.0);
        assertThat(DecodeTimes.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(DecodeTimes.median(new double[0])).isNaN();
    }

    @Test
    void thePeerIsAskedForTheSameRunsOnTheSameFiles() {
        List<Path> files = List.of(Path.of("a.jpg"), Path.of("b.png"));
        assertThat(DecodeTimes.command("/usr/bin/python3", Path.of("bench/peers/pillow_decode.py"), 1, 5, -1, files))
                .containsExactly(
                        "/usr/bin/python3",
                        "bench/peers/pillow_decode.py",
                        "--warmups",
                        "1",
                        "--runs",
                        "5",
                        "a.jpg",
                        "b.png");
        assertThat(DecodeTimes.command("python3", Path.of("p.py"), 0, 3, 1, files))
                .containsSubsequence("--cpu", "1", "a.jpg");
    }

    @Test
    void thePeersLinesAreReadPerFileAndCheckedAgainstItsSummary() throws IOException {
        List<DecodeTimes.PeerFile> files = DecodeTimes.parsePeer(List.of(
                "{\"file\": \"a.jpg\", \"width\": 4000, \"height\": 3000, \"runs\": 5, \"mean_ms\": 310.5, \"median_ms\": 309.0}",
                "",
                "{\"file\": \"b.png\", \"width\": 100, \"height\": 60, \"runs\": 5, \"mean_ms\": 1.25, \"median_ms\": 1.0}",
                "{\"done\": true, \"files\": 2, \"pillow\": \"9.4.0\", \"libjpeg_turbo\": \"2.1.5\", \"cpu\": null}"));
        assertThat(files)
                .containsExactly(
                        new DecodeTimes.PeerFile("a.jpg", 4000, 3000, 310.5, 309.0),
                        new DecodeTimes.PeerFile("b.png", 100, 60, 1.25, 1.0));
        assertThat(
                        catchThrowableOfType(
                                IOException.class,
                                () -> DecodeTimes.parsePeer(
                                        List.of(
                                                "{\"file\": \"a.jpg\", \"width\": 1, \"height\": 1, \"runs\": 1, \"mean_ms\": 1, \"median_ms\": 1}"))))
                .hasMessageContaining("without its summary");
        assertThat(catchThrowableOfType(
                        IOException.class, () -> DecodeTimes.parsePeer(List.of("{\"done\": true, \"files\": 3}"))))
                .hasMessageContaining("measured 0 files but says 3");
    }
}
