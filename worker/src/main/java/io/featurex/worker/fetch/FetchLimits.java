package io.featurex.worker.fetch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What the worker may fetch, and how much. The defaults are safe: no file roots (file: refused),
 * no address that is not globally reachable (loopback, private, link-local, ...: {@link PublicAddresses}).
 *
 * @param maxBytes              largest body or file accepted
 * @param inlineMaxBytes        largest inline payload accepted; {@link #NO_INLINE_LIMIT}: what the input topics take
 * @param timeout               whole fetch, connection to last byte
 * @param fileRoots             directories file: URIs may point into; empty refuses file:
 * @param allowedHosts          hosts http(s) may reach; empty means any public host
 * @param allowPrivateAddresses allow addresses that are not globally reachable (tests, on-prem): the address check off
 */
public record FetchLimits(
        long maxBytes,
        long inlineMaxBytes,
        Duration timeout,
        List<Path> fileRoots,
        Set<String> allowedHosts,
        boolean allowPrivateAddresses) {

    /** No limit of its own on inline images: the input topic's record limit is the only one. */
    public static final long NO_INLINE_LIMIT = Long.MAX_VALUE;

    public FetchLimits {
        fileRoots = List.copyOf(fileRoots);
        allowedHosts = Set.copyOf(allowedHosts);
    }
}
