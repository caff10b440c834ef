package io.featurex.worker.config;

import io.featurex.worker.fetch.FetchLimits;
import io.featurex.worker.fetch.S3Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How images are fetched: how many at once, how many bytes may wait for a decoder, what each
 * may be and where from, and how S3 is reached.
 */
public record FetchSettings(int concurrency, long bytesInFlight, FetchLimits limits, S3Settings s3) {

    static FetchSettings from(SettingReader r) {
        int concurrency = r.integer(Setting.FETCH_MAX_CONCURRENCY, 1, 10_000);
        long bytesInFlight = r.longValue(Setting.FETCH_MAX_BYTES_IN_FLIGHT, 1, Long.MAX_VALUE);
        long maxBytes = r.longValue(Setting.FETCH_MAX_BYTES, 1, Long.MAX_VALUE);
        // auto: the input topics' own limit is the only one (FetchLimits.NO_INLINE_LIMIT).
        OptionalLong inlineMaxSet = r.autoLong(Setting.FETCH_INLINE_MAX_BYTES, 1, Long.MAX_VALUE);
        long inlineMax = inlineMaxSet.orElse(FetchLimits.NO_INLINE_LIMIT);
        long timeoutMs = r.longValue(Setting.FETCH_TIMEOUT_MS, 1, 3_600_000);
        List<Path> roots = new ArrayList<>();
        for (String root : r.list(Setting.FETCH_FILE_ROOTS)) {
            Path path = Path.of(root);
            if (!path.isAbsolute()) {
                r.problem(Setting.FETCH_FILE_ROOTS, "'" + root + "' is not an absolute path");
            } else {
                // A root that is not there would refuse every file: URI as outside the roots.
                FileCheck.readableFolder(path)
                        .ifPresent(why -> r.problem(Setting.FETCH_FILE_ROOTS, "'" + root + "': " + why));
            }
            roots.add(path);
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (String host : r.list(Setting.FETCH_ALLOWED_HOSTS)) {
            hosts.add(host.toLowerCase(Locale.ROOT));
        }
        boolean allowPrivate = r.bool(Setting.FETCH_ALLOW_PRIVATE_ADDRESSES);
        return new FetchSettings(
                concurrency,
                bytesInFlight,
                new FetchLimits(maxBytes, inlineMax, Duration.ofMillis(timeoutMs), roots, hosts, allowPrivate),
                s3(r));
    }

    private static S3Settings s3(SettingReader r) {
        String endpointText = r.raw(Setting.S3_ENDPOINT);
        Optional<URI> endpoint = Optional.empty();
        if (!endpointText.isBlank()) {
            try {
                URI uri = new URI(endpointText);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    r.problem(Setting.S3_ENDPOINT, "must be an http(s)://host[:port] URL, got '" + endpointText + "'");
                }
                endpoint = Optional.of(uri);
            } catch (URISyntaxException e) {
                r.problem(Setting.S3_ENDPOINT, "'" + endpointText + "' is not a URL: " + e.getMessage());
            }
        }
        String region = r.raw(Setting.S3_REGION);
        if (!region.isBlank() && !region.matches("[a-z0-9-]+")) {
            r.problem(Setting.S3_REGION, "'" + region + "' is not a region name such as eu-west-1");
        }
        boolean pathStyle = r.bool(Setting.S3_PATH_STYLE);
        int attempts = r.integer(Setting.S3_MAX_ATTEMPTS, 1, 20);
        return new S3Settings(endpoint, region.isBlank() ? Optional.empty() : Optional.of(region), pathStyle, attempts);
    }
}
