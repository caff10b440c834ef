package io.featurex.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.featurex.v1.ErrorCode;
import io.featurex.worker.metrics.MetricSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration reference and error codes stay complete and current as they change. */
class ReadmeTest {

    private static final Path PROTO =
            Path.of("..", "proto", "src", "main", "proto", "featurex", "v1", "featurex.proto");
    private static final String ERROR_TABLE_HEADER = "| code | value | meaning |\n|---|---|---|\n";
    private static final Pattern ENUM_VALUE = Pattern.compile("([A-Z0-9_]+)\\s*=\\s*(\\d+)\\s*;");

    @Test
    void everySettingIsDocumentedAsInTheCatalogue() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> missing = new ArrayList<>();
        for (Setting s : Setting.values()) {
            String row = row(s);
            if (!readme.contains(row)) {
                missing.add(row);
            }
        }
        assertThat(missing)
                .as("README rows missing or out of date: run tools/readme-config-table.py")
                .isEmpty();
    }

    @Test
    void everyMetricIsInTheOperationsTable() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (MetricSpec m : MetricSpec.values()) {
            assertThat(readme)
                    .as(m.exposedName())
                    .contains("| `" + m.exposedName() + "` | " + m.type().name().toLowerCase(Locale.ROOT) + " |");
        }
    }

    /** Each code's comment in featurex.proto is its meaning; the README's table repeats them all, in order. */
    @Test
    void theErrorCodeTableIsTheProtosErrorCodes() throws Exception {
        List<String[]> codes = errorCodesInTheProto();
        // The table must follow what protoc compiled, not a misreading of the file.
        assertThat(codes)
                .extracting(c -> c[0] + "=" + c[1])
                .containsExactlyElementsOf(Arrays.stream(ErrorCode.values())
                        .filter(c -> c != ErrorCode.ERROR_CODE_UNSPECIFIED && c != ErrorCode.UNRECOGNIZED)
                        .map(c -> c.name() + "=" + c.getNumber())
                        .toList());
        StringBuilder expected = new StringBuilder(ERROR_TABLE_HEADER);
        for (String[] code : codes) {
            assertThat(code[2]).as(code[0] + " has a comment in featurex.proto").isNotBlank();
            expected.append("| `")
                    .append(code[0])
                    .append("` | ")
                    .append(code[1])
                    .append(" | ")
                    .append(code[2].replace("|", "\\|"))
                    .append(" |\n");
        }
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf(ERROR_TABLE_HEADER);
        String actual = "";
        if (start >= 0) {
            int end = readme.indexOf("\n\n", start);
            actual = readme.substring(start, end < 0 ? readme.length() : end + 1);
        }
        assertThat(actual)
                .as("README's error code table, to be replaced by the expected one")
                .isEqualTo(expected.toString());
    }

    /** Name, number and comment (its lines joined) of every ErrorCode value but the unspecified one. */
    private static List<String[]> errorCodesInTheProto() throws Exception {
        String proto = Files.readString(PROTO);
        int start = proto.indexOf("enum ErrorCode {");
        assertThat(start).as("enum ErrorCode in " + PROTO).isNotNegative();
        String body = proto.substring(start, proto.indexOf('}', start));
        List<String[]> codes = new ArrayList<>();
        StringBuilder comment = new StringBuilder();
        for (String line : body.lines().skip(1).map(String::strip).toList()) {
            Matcher value = ENUM_VALUE.matcher(line);
            if (line.startsWith("//")) {
                comment.append(comment.length() == 0 ? "" : " ")
                        .append(line.substring(2).strip());
            } else if (value.matches()) {
                if (!value.group(2).equals("0")) {
                    codes.add(new String[] {value.group(1), value.group(2), comment.toString()});
                }
                comment.setLength(0);
            }
        }
        return codes;
    }

    static String row(Setting s) {
        String fallback =
                s.defaultValue() == null ? "(required)" : s.defaultValue().isEmpty() ? "(empty)" : s.defaultValue();
        return "| `" + s.key() + "` | `" + s.flag() + "` | `" + s.envName() + "` | `" + fallback + "` | "
                + s.description() + " |";
    }
}
